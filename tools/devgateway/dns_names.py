# Spelling names and records for the test DNS zones: the reversed names that DNSBL and
# PTR lookups ask for (RFC 5782 style: 127.0.0.2 -> 2.0.0.127, IPv6 as 32 reversed
# nibbles) and TXT records longer than one 255-byte character-string, as zone-file lines.
# It talks to no server and does not check zone files (nsd-checkzone does that).
import ipaddress

CHARACTER_STRING_LIMIT = 255  # bytes in one TXT character-string (RFC 1035 3.3)


def reverse_ipv4_name(address, zone=None):
    """'127.0.0.2' -> '2.0.0.127', or '2.0.0.127.<zone>' when a zone is given
    (a DNSBL zone such as 'dnsbl.test', or 'in-addr.arpa' for a PTR name)."""
    octets = str(ipaddress.IPv4Address(address)).split(".")
    return _in_zone(".".join(reversed(octets)), zone)


def reverse_ipv6_name(address, zone=None):
    """'2001:db8::1' -> '1.0.0.0. ... .8.b.d.0.1.0.0.2' (32 nibbles, lowest first), or
    that name followed by '.<zone>' ('ip6.arpa' for a PTR name)."""
    nibbles = ipaddress.IPv6Address(address).exploded.replace(":", "")
    return _in_zone(".".join(reversed(nibbles)), zone)


def txt_record(owner, text, ttl=None):
    """A zone-file TXT line for `text` (str, UTF-8 encoded, or bytes) of any length:
    split into quoted character-strings of at most 255 bytes each, with `"` and `\\`
    escaped and bytes outside printable ASCII written as \\DDD. A resolver joins the
    strings back into `text`; an empty text is one empty string."""
    data = text.encode() if isinstance(text, str) else bytes(text)
    pieces = [data[start:start + CHARACTER_STRING_LIMIT]
              for start in range(0, len(data), CHARACTER_STRING_LIMIT)] or [b""]
    strings = " ".join(f'"{_escape(piece)}"' for piece in pieces)
    ttl_field = f" {ttl}" if ttl is not None else ""
    return f"{owner}{ttl_field} IN TXT {strings}"


def _escape(piece):
    characters = []
    for byte in piece:
        if byte in b'"\\':
            characters.append("\\" + chr(byte))
        elif 0x20 <= byte <= 0x7E:
            characters.append(chr(byte))
        else:
            characters.append(f"\\{byte:03d}")
    return "".join(characters)


def _in_zone(name, zone):
    return f"{name}.{zone.strip('.')}" if zone else name
