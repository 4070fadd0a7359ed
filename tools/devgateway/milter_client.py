# The MTA's side of the milter protocol (version 6), for tests that drive mailgate-milter
# the way Postfix or Sendmail would, one command at a time, and look at every answer:
# option negotiation (what the milter asks for, the macros it names), connect, HELO,
# MAIL, RCPT, DATA, headers, end of headers, body chunks, end of message with the
# modifications it asks for, abort, and quit. Written from libmilter's mfdef.h; it is a
# test tool, not an MTA: it applies nothing, it records.
import re
import socket
import struct
from dataclasses import dataclass, field

# Commands (MTA -> milter) and replies (milter -> MTA), from libmilter/mfdef.h.
ABORT, BODY, CONNECT, MACRO, BODYEOB, HELO, QUIT_NC, HEADER, MAIL, EOH, OPTNEG, QUIT, RCPT, \
    DATA = (c.encode() for c in "ABCDEHKLMNOQRT")
ACTION_REPLIES = {b"a": "accept", b"c": "continue", b"d": "discard", b"r": "reject",
                  b"t": "tempfail", b"y": "replycode", b"s": "skip", b"f": "connfail",
                  b"4": "shutdown"}
NR_HDR, NR_BODY, NOUNKNOWN, HDR_LEADSPC = 0x80, 0x80000, 0x100, 0x100000
ALL_ACTIONS, ALL_STEPS = 0x1FF, 0x1FFFFF


class MilterProtocolError(RuntimeError):
    pass


@dataclass
class Negotiated:
    version: int
    actions: int
    steps: int
    macros: dict  # stage number -> "{client_addr} ..." as the milter asked


@dataclass
class EndOfMessage:
    """What the milter answered at end of message: the final action and every change."""
    action: str
    reply: str = ""
    added_headers: list = field(default_factory=list)     # (name, value)
    inserted_headers: list = field(default_factory=list)  # (index, name, value)
    changed_headers: list = field(default_factory=list)   # (index, name, value); "" deletes
    other: list = field(default_factory=list)             # (code, payload)


class MilterClient:
    def __init__(self, address, timeout=20.0):
        """address: "unix:/path" or "inet:PORT@HOST" (mailgate's milter.socket notation)."""
        self.address = address
        self.timeout = timeout
        self.sock = None
        self.negotiated = None

    # ----- connection -----

    def open(self):
        kind, _, rest = self.address.partition(":")
        if kind == "unix":
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(self.timeout)
            self.sock.connect(rest)
        elif kind in ("inet", "inet6"):
            port, _, host = rest.partition("@")
            self.sock = socket.create_connection((host or "127.0.0.1", int(port)),
                                                 timeout=self.timeout)
        else:
            raise ValueError(f"unsupported milter address {self.address!r}")
        return self

    def close(self):
        if self.sock:
            self.sock.close()
            self.sock = None

    def __enter__(self):
        return self if self.sock else self.open()

    def __exit__(self, *exception):
        self.close()

    # ----- packets -----

    def send(self, command, payload=b""):
        self.sock.sendall(struct.pack("!I", len(payload) + 1) + command + payload)

    def receive(self):
        header = self._exactly(4)
        (length,) = struct.unpack("!I", header)
        if length == 0 or length > 64 * 1024 * 1024:
            raise MilterProtocolError(f"bad packet length {length}")
        data = self._exactly(length)
        return data[:1], data[1:]

    def _exactly(self, count):
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise MilterProtocolError("the milter closed the connection")
            data += chunk
        return data

    def _action(self):
        """The next action reply, skipping progress notes."""
        while True:
            code, payload = self.receive()
            if code == b"p":
                continue
            if code in ACTION_REPLIES:
                return ACTION_REPLIES[code], payload
            raise MilterProtocolError(f"unexpected reply {code!r} {payload[:80]!r}")

    # ----- the MTA's commands -----

    def negotiate(self, actions=ALL_ACTIONS, steps=ALL_STEPS, version=6):
        self.send(OPTNEG, struct.pack("!III", version, actions, steps))
        code, payload = self.receive()
        if code != OPTNEG:
            raise MilterProtocolError(f"expected an option reply, got {code!r}")
        version, actions, steps = struct.unpack("!III", payload[:12])
        macros = {}
        rest = payload[12:]
        while len(rest) >= 4:
            (stage,) = struct.unpack("!I", rest[:4])
            text, _, rest = rest[4:].partition(b"\0")
            macros[stage] = text.decode()
        self.negotiated = Negotiated(version, actions, steps, macros)
        return self.negotiated

    def macros(self, command, values):
        payload = command + b"".join(f"{name}\0{value}\0".encode() for name, value in values.items())
        self.send(MACRO, payload)

    def connect(self, hostname="mx.sender.test", address="192.0.2.1", port=25000,
                macros=None):
        self.macros(CONNECT, macros or {"{client_addr}": address, "{client_name}": hostname,
                                       "j": "gateway.mailgate.test"})
        family = b"6" if ":" in address else b"4"
        self.send(CONNECT, hostname.encode() + b"\0" + family + struct.pack("!H", port) +
                  address.encode() + b"\0")
        return self._action()

    def helo(self, name="mx.sender.test"):
        self.send(HELO, name.encode() + b"\0")
        return self._action()

    def mail(self, sender, *arguments, macros=None):
        self.macros(MAIL, macros or {"{mail_addr}": sender})
        self.send(MAIL, b"".join(part.encode() + b"\0" for part in (f"<{sender}>", *arguments)))
        return self._action()

    def rcpt(self, recipient):
        self.macros(RCPT, {"{rcpt_addr}": recipient})
        self.send(RCPT, f"<{recipient}>".encode() + b"\0")
        return self._action()

    def data(self, queue_id="4ABC123DEF"):
        self.macros(DATA, {"i": queue_id})
        self.send(DATA)
        return self._action()

    def header(self, name, value):
        self.send(HEADER, name.encode() + b"\0" + value.encode("utf-8", "surrogateescape") + b"\0")
        if self.negotiated and self.negotiated.steps & NR_HDR:
            return ("noreply", b"")
        return self._action()

    def end_of_headers(self):
        self.send(EOH)
        return self._action()

    def body(self, chunk):
        self.send(BODY, chunk)
        if self.negotiated and self.negotiated.steps & NR_BODY:
            return ("noreply", b"")
        return self._action()

    def end_of_message(self, queue_id="4ABC123DEF"):
        self.macros(BODYEOB, {"i": queue_id})
        self.send(BODYEOB)
        result = EndOfMessage(action="")
        while True:
            code, payload = self.receive()
            if code == b"h":
                name, value, _ = payload.split(b"\0", 2)
                result.added_headers.append((name.decode(), value.decode("utf-8", "replace")))
            elif code in (b"i", b"m"):
                (index,) = struct.unpack("!I", payload[:4])
                name, value, _ = payload[4:].split(b"\0", 2)
                target = result.inserted_headers if code == b"i" else result.changed_headers
                target.append((index, name.decode(), value.decode("utf-8", "replace")))
            elif code == b"y":
                # A reply code ends the message like reject or tempfail does.
                result.reply = payload.rstrip(b"\0").decode("utf-8", "replace")
                result.action = "reject" if result.reply.startswith("5") else "tempfail"
                return result
            elif code == b"p":
                continue
            elif code in ACTION_REPLIES:
                result.action = ACTION_REPLIES[code]
                return result
            else:
                result.other.append((code, payload))

    def abort(self):
        self.send(ABORT)  # no reply expected

    def quit(self):
        self.send(QUIT)

    def send_message(self, raw, sender="alice@sender.test", recipients=("bob@example.test",),
                     mail_arguments=(), mail_macros=None, chunk_size=65535):
        """One whole transaction after connect/helo: MAIL .. end of message."""
        assert self.mail(sender, *mail_arguments, macros=mail_macros)[0] == "continue"
        for recipient in recipients:
            assert self.rcpt(recipient)[0] == "continue"
        assert self.data()[0] == "continue"
        fields, body = split_message(raw)
        for name, value in fields:
            self.header(name, value)
        assert self.end_of_headers()[0] == "continue"
        for start in range(0, len(body), chunk_size):
            self.body(body[start:start + chunk_size])
        return self.end_of_message()


HEADER_NAME = re.compile(rb"^[!-9;-~]+:")


def split_message(raw):
    """(header fields, body) of a CRLF message, split where Postfix's cleanup splits it:
    the headers end at the first empty line (dropped) or at the first line that is neither
    a header field nor a continuation (kept, as the body's first line)."""
    lines = raw.split(b"\r\n")
    count = 0
    for count, line in enumerate(lines):
        if line == b"":
            return parse_header_block(b"\r\n".join(lines[:count])), b"\r\n".join(lines[count + 1:])
        if not HEADER_NAME.match(line) and not (count > 0 and line[:1] in (b" ", b"\t")):
            return parse_header_block(b"\r\n".join(lines[:count])), b"\r\n".join(lines[count:])
    return parse_header_block(raw), b""


def parse_header_block(head):
    """(name, value) pairs from a raw header block, folding kept as LF, as MTAs send."""
    fields = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and fields:
            name, value = fields[-1]
            fields[-1] = (name, value + "\n" + line.decode("utf-8", "surrogateescape"))
            continue
        name, _, value = line.partition(b":")
        fields.append((name.decode("utf-8", "surrogateescape"),
                       value.lstrip(b" ").decode("utf-8", "surrogateescape")))
    return fields
