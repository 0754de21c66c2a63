/** RFB encoding numbers (RFC 6143 §7.7, §7.8 and the IANA RFB registry). */
export const ENCODING = {
  Raw: 0,
  CopyRect: 1,
  Zlib: 6,
  Tight: 7,
  ZRLE: 16,
  /** Pseudo-encodings. */
  Cursor: -239,
  DesktopSize: -223,
  LastRect: -224,
  ExtendedDesktopSize: -308,
  /** -256..-247: compression level 0..9 (Tight, Zlib, ZRLE). */
  CompressLevel0: -256,
  CompressLevel9: -247,
  /** -32..-23: JPEG quality level 0..9 (Tight). */
  QualityLevel0: -32,
  QualityLevel9: -23,
} as const;

/** What a client asked for in SetEncodings, reduced to what this server acts on. */
export interface ClientEncodings {
  /** Real encodings the server implements, in the client's order of preference. */
  preferred: number[];
  /** The client takes CopyRect (RFC 6143 §7.7.2): moves may be sent as copies of its own pixels. */
  copyRect: boolean;
  cursor: boolean;
  desktopSize: boolean;
  extendedDesktopSize: boolean;
  lastRect: boolean;
  /** 0..9, default 6 (TigerVNC's default). */
  compressLevel: number;
  /** 0..9, or -1 when the client did not ask for JPEG (Tight then stays lossless). */
  qualityLevel: number;
}

/** Interprets a SetEncodings list; encodings the server lacks are ignored (RFC 6143 §7.5.2). */
export function interpretEncodings(list: readonly number[], implemented: ReadonlySet<number>): ClientEncodings {
  const out: ClientEncodings = {
    preferred: [], copyRect: false, cursor: false, desktopSize: false, extendedDesktopSize: false, lastRect: false, compressLevel: 6, qualityLevel: -1,
  };
  for (const e of list) {
    // CopyRect is never a rectangle's encoding of choice: the server uses it only for moves it knows of.
    if (e === ENCODING.CopyRect) out.copyRect = true;
    else if (implemented.has(e)) {
      if (!out.preferred.includes(e)) out.preferred.push(e);
    } else if (e === ENCODING.Cursor) out.cursor = true;
    else if (e === ENCODING.DesktopSize) out.desktopSize = true;
    else if (e === ENCODING.ExtendedDesktopSize) out.extendedDesktopSize = true;
    else if (e === ENCODING.LastRect) out.lastRect = true;
    else if (e >= ENCODING.CompressLevel0 && e <= ENCODING.CompressLevel9) out.compressLevel = e - ENCODING.CompressLevel0;
    else if (e >= ENCODING.QualityLevel0 && e <= ENCODING.QualityLevel9) out.qualityLevel = e - ENCODING.QualityLevel0;
  }
  return out;
}
