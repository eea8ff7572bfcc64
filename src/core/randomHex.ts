/** `bytes` random bytes from the platform's CSPRNG, as lower-case hex (two digits a byte). */
export function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (byte) => (byte + 256).toString(16).slice(1)).join('');
}
