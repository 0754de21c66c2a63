#!/usr/bin/env python3
"""Recomputes Tandem's handshake test vector (docs/protocol.md, "Test vector")
with Python's hashlib and hmac only, independently of @noble/hashes: the
commitment, the transcript hash, HKDF-SHA512 (RFC 5869) and both tags, from
the vector's inputs, shares and ISK (ristretto255 itself is checked by the
CPace draft's vectors in cpace.test.ts). Exits non-zero on any difference.

    python3 scripts/check-handshake-vector.py
"""
import hashlib
import hmac
import pathlib
import re
import sys

SOURCE = pathlib.Path(__file__).resolve().parent.parent / 'packages/protocol/src/handshake-vectors.ts'


def vector():
    text = SOURCE.read_text('utf-8')
    fields = {}
    for name, body in re.findall(r"^  (\w+):\s*((?:'[^']*'\s*\+?\s*)+),", text, re.M):
        fields[name] = ''.join(re.findall(r"'([^']*)'", body))
    return fields


def leb128(n):
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | 0x80 if n else low)
        if not n:
            return bytes(out)


def lv_cat(*parts):
    return b''.join(leb128(len(p)) + p for p in parts)


def sha512(data):
    return hashlib.sha512(data).digest()


def hkdf_expand(prk, info, length):
    okm, block, counter = b'', b'', 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha512).digest()
        okm, counter = okm + block, counter + 1
    return okm[:length]


def main():
    v = vector()
    h = bytes.fromhex
    sid = v['sessionId'].encode()
    ci = lv_cat(b'tandem/1', v['relayOrigin'].encode(), v['nameplate'].encode())
    commitment = sha512(lv_cat(b'tandem/1 commit', ci, sid, h(v['Ya'])))
    transcript = lv_cat(b'tandem/1', ci, sid, commitment, h(v['Ya']), h(v['Yb']))
    prk = hmac.new(sha512(transcript), h(v['isk']), hashlib.sha512).digest()

    def out(label, length):
        return hkdf_expand(prk, b'tandem/1 ' + label, length)

    sas = '%06d' % (int.from_bytes(out(b'sas', 8), 'big') % 10**6)
    got = {
        'ci': ci.hex(),
        'commitment': commitment.hex(),
        'transcriptHash': sha512(transcript).hex(),
        'sas': sas[:3] + ' ' + sas[3:],
        'technicianTag': hmac.new(out(b'confirm technician', 64), transcript, hashlib.sha512).hexdigest(),
        'customerTag': hmac.new(out(b'confirm customer', 64), transcript, hashlib.sha512).hexdigest(),
        't2cKey': out(b't2c key', 32).hex(),
        't2cIv': out(b't2c iv', 12).hex(),
        'c2tKey': out(b'c2t key', 32).hex(),
        'c2tIv': out(b'c2t iv', 12).hex(),
    }
    bad = [name for name, value in got.items() if v.get(name) != value]
    for name in got:
        print(f"{'MISMATCH' if name in bad else 'ok      '} {name} {got[name]}")
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
