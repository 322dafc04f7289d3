import type { Clock } from '../../../src/domain/ports/clock.port.js';

/** A clock that stands still until told to move. */
export class FixedClock implements Clock {
  constructor(private current: Date = new Date('2026-03-04T05:06:07.890Z')) {}

  now(): Date {
    return new Date(this.current);
  }

  advance(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}
