/**
 * Published test vectors of draft-irtf-cfrg-cpace-21 (23 April 2026),
 * transcribed as hex from the draft's text:
 * - Appendix A.1.2, A.1.4, A.3.5: prepend_len, lv_cat, transcript_ir;
 * - Appendix B.3: "Test vector for CPace using group ristretto255 and hash SHA-512";
 * - Appendix B.3.10 / B.3.11: scalar_mult_vfy with valid and invalid inputs.
 * Used only by tests; kept apart so that the draft's numbers are easy to audit.
 */

/** Appendix A.1.2 and A.1.4. */
export const STRING_VECTORS = {
  prependLenEmpty: '00',
  prependLen1234: '0431323334',
  /** lv_cat(b"1234", b"5", b"", b"678"). */
  lvCat: '043132333401350003363738',
  /** transcript_ir(b"123", b"PartyA", b"234", b"PartyB"). */
  transcriptIr1: '03313233065061727479410332333406506172747942',
  /** transcript_ir(b"3456", b"PartyA", b"2345", b"PartyB"). */
  transcriptIr2: '043334353606506172747941043233343506506172747942',
} as const;

/** Appendix B.3.1 to B.3.5 (hex, scalars little-endian as printed). */
export const RISTRETTO255_VECTORS = {
  /** b'Password'. */
  prs: '50617373776f7264',
  /** b'\x0bA_initiator\x0bB_responder'. */
  ci: '0b415f696e69746961746f720b425f726573706f6e646572',
  sid: '7e4b4791d6a8ef019b936c79fb7f2c57',
  /** generator_string(G.DSI, PRS, CI, sid, H.s_in_bytes), 170 bytes (B.3.1). */
  generatorString:
    '11435061636552697374726574746f3235350850617373776f726464' +
    '00000000000000000000000000000000000000000000000000000000' +
    '00000000000000000000000000000000000000000000000000000000' +
    '00000000000000000000000000000000000000000000000000000000' +
    '00000000000000000000000000000000180b415f696e69746961746f' +
    '720b425f726573706f6e646572107e4b4791d6a8ef019b936c79fb7f' +
    '2c57',
  /** Encoded generator g (B.3.1). */
  g: '222b6b195fe84b1652badb6f6a3ae3d24341e7306967f0b8115b40d5698c7e56',
  /** b'ADa'. */
  ada: '414461',
  ya: 'da3d23700a9e5699258aef94dc060dfda5ebb61f02a5ea77fad53f4ff0976d08',
  Ya: 'd6bac480f2c386c394efc7c47adb9925dcd2630b64f240c50f8d0eec482b9157',
  /** b'ADb'. */
  adb: '414462',
  yb: 'd2316b454718c35362d83d69df6320f38578ed5984651435e2949762d900b80d',
  Yb: '3ea7e0b19560d7c0b0f5734f63b955286dfa8232b5ebe63324e2d9e7433f7258',
  /** scalar_mult_vfy(ya, Yb) = scalar_mult_vfy(yb, Ya) (B.3.4). */
  K: '80b69a8a76457ab6a4d7f887a4bf6b55a2f80ac19c333f917a05fc9887c8b40f',
  /** transcript_ir(Ya, ADa, Yb, ADb), 74 bytes (B.3.5). */
  transcriptIr:
    '20d6bac480f2c386c394efc7c47adb9925dcd2630b64f240c50f8d0e' +
    'ec482b915703414461203ea7e0b19560d7c0b0f5734f63b955286dfa' +
    '8232b5ebe63324e2d9e7433f725803414462',
  /** ISK for initiator/responder (B.3.5). */
  iskIr:
    'b69effbf61b51d56401c0f65601abe428de8206feaaf0e32198896dc' +
    'ae7b35cd2b38950a39dfd5d4a79164614c2984f7daa460b588c1e80c' +
    '3fa2068af7900447',
} as const;

/** Appendix B.3.10 and B.3.11. */
export const RISTRETTO255_SCALAR_MULT_VECTORS = {
  s: '7cd0e075fa7955ba52c02759a6c90dbbfc10e6d40aea8d283e407d88cf538a05',
  X: '2c3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c',
  /** G.scalar_mult_vfy(s, X). */
  sX: '7c13645fe790a468f62c39beb7388e541d8405d1ade69d1778c5fe3e7f6b600e',
  /** Y_i1: not a valid encoding; scalar_mult_vfy returns G.I. */
  invalid: '2b3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c',
  /** Y_i2 == G.I. */
  identity: '0000000000000000000000000000000000000000000000000000000000000000',
} as const;
