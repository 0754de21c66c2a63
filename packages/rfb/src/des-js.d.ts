// Minimal typings for des.js 1.1 (no @types package): the DES ECB cipher used by VNC authentication.
declare module 'des.js' {
  interface DesCipher {
    update(data: number[]): number[];
    final(): number[];
  }
  interface DesOptions {
    type: 'encrypt' | 'decrypt';
    key: number[];
    padding?: boolean;
  }
  const desJs: { DES: { create(options: DesOptions): DesCipher } };
  export default desJs;
}
