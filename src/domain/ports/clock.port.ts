/** The current time, behind a port so that use cases can be tested at fixed instants. */
export interface Clock {
  now(): Date;
}
