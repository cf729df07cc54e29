#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Read the SHA-256 PCRs of a running swtpm through its control socket.

QEMU's TPM emulator backend hands swtpm its data channel over the control
socket (CMD_SET_DATAFD); once QEMU has exited, swtpm keeps its state and
takes a new data channel the same way.  This script does that and sends
TPM2_PCR_Read, so the values come from the TPM itself.

Usage: scripts/tpm-pcrread.py CTRL-SOCKET [PCR...]
Prints one line per PCR, "<index> <64 hex digits>" (all 24 by default).
Exit 1 on any error.
"""
import socket
import struct
import sys

CMD_SET_DATAFD = 0x10
TPM2_ST_NO_SESSIONS = 0x8001
TPM2_CC_PCR_READ = 0x0000017E
TPM2_ALG_SHA256 = 0x000B


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        chunk = s.recv(n - len(b))
        if not chunk:
            raise OSError("connection closed")
        b += chunk
    return b


def data_channel(ctrl_path):
    ctrl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ctrl.settimeout(10)
    ctrl.connect(ctrl_path)
    ours, theirs = socket.socketpair()
    ours.settimeout(10)
    socket.send_fds(ctrl, [struct.pack(">I", CMD_SET_DATAFD)], [theirs.fileno()])
    res = struct.unpack(">I", recv_exact(ctrl, 4))[0]
    theirs.close()
    if res != 0:
        raise OSError(f"CMD_SET_DATAFD: TPM result 0x{res:x}")
    return ctrl, ours


def pcr_read(data, pcrs):
    """TPM2_PCR_Read of the SHA-256 bank; {index: digest} for those returned."""
    sel = bytearray(3)
    for p in pcrs:
        sel[p // 8] |= 1 << (p % 8)
    body = struct.pack(">IHB", 1, TPM2_ALG_SHA256, 3) + bytes(sel)
    data.sendall(struct.pack(">HII", TPM2_ST_NO_SESSIONS, 10 + len(body), TPM2_CC_PCR_READ) + body)
    tag, size, rc = struct.unpack(">HII", recv_exact(data, 10))
    rest = recv_exact(data, size - 10)
    if rc != 0:
        raise OSError(f"TPM2_PCR_Read: response code 0x{rc:x}")
    # updateCounter, TPML_PCR_SELECTION (count 1), TPML_DIGEST
    off = 4
    (count,) = struct.unpack_from(">I", rest, off)
    off += 4
    got = []
    for _ in range(count):
        alg, n = struct.unpack_from(">HB", rest, off)
        off += 3
        bits = rest[off : off + n]
        off += n
        if alg == TPM2_ALG_SHA256:
            got = [i for i in range(8 * n) if bits[i // 8] >> (i % 8) & 1]
    (ndig,) = struct.unpack_from(">I", rest, off)
    off += 4
    out = {}
    for i in range(ndig):
        (n,) = struct.unpack_from(">H", rest, off)
        off += 2
        out[got[i]] = rest[off : off + n]
        off += n
    return out


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    want = [int(a) for a in sys.argv[2:]] or list(range(24))
    ctrl, data = data_channel(sys.argv[1])
    values = {}
    # A response holds at most 8 digests: ask again for what is missing.
    for _ in range(len(want)):
        missing = [p for p in want if p not in values]
        if not missing:
            break
        got = pcr_read(data, missing)
        if not got:
            break
        values.update(got)
    data.close()
    ctrl.close()
    if any(p not in values for p in want):
        print("tpm-pcrread: TPM did not return every PCR asked for", file=sys.stderr)
        return 1
    for p in want:
        print(p, values[p].hex())
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, struct.error, IndexError) as e:
        print(f"tpm-pcrread: {e}", file=sys.stderr)
        sys.exit(1)
