"""Zip archives written field by field, for tests of hostile documents (zip bombs)."""

import struct
import zlib

MIB = 1024 * 1024


def deflated(content: bytes, *, times: int = 1) -> tuple[bytes, int, int]:
    """(raw deflate data, CRC-32, size) of `content` repeated `times` times.

    Each copy is compressed after a full flush, so its compressed form is the same every
    time: a 1 000 MB member costs one compression of 1 MB, not ten seconds.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(content) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(content, crc)
    return piece * times + compressor.flush(), crc, len(content) * times


def zip_archive(members: dict[str, tuple[bytes, int, int]]) -> bytes:
    """A zip file (APPNOTE 4.3) of deflated members: name -> (data, CRC-32, declared size)."""
    local, central = b"", b""
    for name, (data, crc, size) in members.items():
        encoded = name.encode()
        offset = len(local)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
        local += encoded + data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0, 0, 0, 0, 0,
            offset,
        )  # fmt: skip
        central += encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0)
    return local + central + end


def docx_bomb(bomb_member: str, *, mib: int = 1000, declared_mib: int | None = None) -> bytes:
    """A « .docx » under 1 MB whose `bomb_member` inflates to `mib` MB of zeros.

    `declared_mib` makes the archive's table lie about that member's size.
    """
    data, crc, size = deflated(bytes(MIB), times=mib)
    if declared_mib is not None:
        size = declared_mib * MIB
    members = {
        "[Content_Types].xml": deflated(b"<Types/>"),
        "word/document.xml": deflated(b"<document/>"),
        bomb_member: (data, crc, size),
    }
    return zip_archive(members)
