/** The connection string without its password, fit for logs and error messages. */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-z+]+:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}
