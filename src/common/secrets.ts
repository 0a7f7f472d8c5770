// Sensitive options, masked as Flink masks them: an option whose key contains one of Flink's
// sensitive words ("password", "secret", ...) shows as ****** wherever weir prints options
// (SHOW CREATE TABLE, error source lines, logs). The value itself stays in the catalog, for
// the connector that needs it; it never goes into EXPLAIN, a plan fingerprint or a checkpoint.

/** Flink's sensitive key fragments (GlobalConfiguration), matched case-insensitively. */
export const SENSITIVE_KEY_PARTS: readonly string[] = ['password', 'secret', 'fs.azure.account.key', 'apikey', 'api-key', 'auth-params', 'service-key', 'token', 'basic-auth', 'jaas.config', 'http-headers'];

/** Flink's placeholder for a hidden value. */
export const HIDDEN_VALUE = '******';

export function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase();
  return SENSITIVE_KEY_PARTS.some((p) => k.includes(p));
}

/** A URL's `password=...` query parameter (a jdbc url may carry one) masked. */
export function maskUrlPassword(value: string): string {
  return value.replace(/([?&;]password=)[^&;]*/gi, `$1${HIDDEN_VALUE}`);
}

/** The value to show for option `key`: masked when sensitive. */
export function displayOptionValue(key: string, value: string): string {
  if (isSensitiveKey(key)) return HIDDEN_VALUE;
  return maskUrlPassword(value);
}

/** Options as they may be shown. */
export function maskOptions(options: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of options) out.set(k, displayOptionValue(k, v));
  return out;
}

/**
 * SQL text with the values of sensitive options masked: `'password' = 'x'` becomes
 * `'password' = '******'` (for source lines printed under an error, and statement echoes).
 */
export function maskSqlSecrets(sql: string): string {
  return sql.replace(/'((?:[^']|'')*)'(\s*=\s*)'((?:[^']|'')*)'/g, (all, key: string, eq: string, value: string) => {
    if (isSensitiveKey(key)) return `'${key}'${eq}'${HIDDEN_VALUE}'`;
    const masked = maskUrlPassword(value);
    return masked === value ? all : `'${key}'${eq}'${masked}'`;
  });
}

/** Replaces each secret's occurrences in a text (a driver's error message) with ******. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s !== undefined && s.length > 0) out = out.split(s).join(HIDDEN_VALUE);
  return out;
}
