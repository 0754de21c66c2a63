/**
 * Tandem's handshake test vector (docs/protocol.md, "Test vector"): fixed
 * inputs and every value the handshake derives from them, in hex. The
 * scalars are the draft's ya and yb (draft-irtf-cfrg-cpace-21 B.3.2, B.3.3),
 * given to the two sessions as their "random" bytes (both are below 2^252, so
 * G.sample_scalar's masking leaves them as they are). The commitment, the
 * transcript hash, the HKDF outputs and both tags were recomputed with
 * Python's hashlib and hmac (scripts/check-handshake-vector.py), an
 * implementation independent of @noble/hashes. Used only by tests.
 */
export const HANDSHAKE_VECTOR = {
  /** Inputs. */
  secret: '31415',
  relayOrigin: 'https://support.example.com',
  nameplate: '123',
  sessionId: '5b0c3a6e-8f3d-4e0a-9c51-2d7f6b1e9a40',
  /** The technician's scalar ya and the customer's yb, 32 bytes little-endian. */
  ya: 'da3d23700a9e5699258aef94dc060dfda5ebb61f02a5ea77fad53f4ff0976d08',
  yb: 'd2316b454718c35362d83d69df6320f38578ed5984651435e2949762d900b80d',

  /** CI = lv_cat("tandem/1", relayOrigin, nameplate). */
  ci: '0874616e64656d2f311b68747470733a2f2f737570706f72742e6578616d706c652e636f6d03313233',
  /** Shares Ya = ya·g and Yb = yb·g. */
  Ya: '823416c23d18742511b6975c10bbbcaaf1b3124a408b1b0187adb53a413b0149',
  Yb: '5e3e525bf8e3a52778a6ee77925d5910d888eb2b02da02edf31cdbdee0e3287a',
  /** SHA-512(lv_cat("tandem/1 commit", CI, sid, Ya)). */
  commitment:
    '7379d3ef1c775da6e009363cc2e42c209f547ebc5ef80462a1e767e67ba3c5b3' +
    'c77d2fa86b32c34a1a331c9d17bb08dbbcb650b6e5b23f442cbf4baf7781600b',
  /** SHA-512(lv_cat("tandem/1", CI, sid, commitment, Ya, Yb)): the HKDF salt. */
  transcriptHash:
    '9a1dd346e9ce2109eb9c36c2149ee3c9f53fd79071d5221c46f68c82682e8c6a' +
    'f051a47ef7d645a19ed358bffaabef6830b947b512018b533768525ee001104b',
  /** CPace's ISK (initiator-responder, ADa "technician", ADb "customer"). */
  isk:
    'a16baaf3db81a89609b7fc56357e71466ee41e887e7784088fd0409618b228bc' +
    '0ff005cd286165974bf075d3e0ed5b1aacf30d4d9eb29a5d1785515e597d4a5d',
  sas: '103 752',
  /** HMAC-SHA512(confirm technician key, transcript): the technician's confirm frame body. */
  technicianTag:
    '3c4ccef29551910b278025836b9860b07737559ec7d0a411f3689ffc3e08d4c9' +
    'ae4dbf101317e9398562bc93d30c864de4ff0cd0ac60bc1f75e4ee5da679fa41',
  /** HMAC-SHA512(confirm customer key, transcript). */
  customerTag:
    'ea626665e155637f0a33700254b1767737a67e8bfad8796df72c52acef03e6ad' +
    '09675794e4482033494b3c14ab0ad7557610b7b9e679ba3ad50d117df452d9ab',
  /** Record keys and IVs, technician to customer and back. */
  t2cKey: 'a3775e403a286a52e4d32ec0b0545b9d87d771216721bf8c13916378a63b16cb',
  t2cIv: '70528af50ca85f22fa2e17b0',
  c2tKey: 'eded3b6b9ee15da3c8c6a6154e281cb636401e82e0992ab1591a39d9b34671fa',
  c2tIv: '8706cc4d9ec3e2a672b89d8e',
} as const;
