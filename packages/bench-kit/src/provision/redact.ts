/** Removes the password from a connection string, so it never reaches logs, reports or JSON. */
export function redactConnectionString(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return connectionString.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}
