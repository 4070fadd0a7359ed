# Sending test mail with swaks (the SMTP test tool) to a server on 127.0.0.1, the way
# an Internet client would. Returns swaks' whole transcript so a failing test shows
# the SMTP dialogue. It does not judge the result: tests assert on the returncode
# (0 delivered, 23-25 rejected at RCPT/DATA..., see swaks --help) and the transcript.
import subprocess

SWAKS = "swaks"


def send_with_swaks(port, sender, recipient, extra_args=(), host="127.0.0.1",
                    helo="client.sender.test", timeout=30.0):
    """Send one message with swaks to host:port; return the CompletedProcess (text).

    extra_args go to swaks as they are, for example
    ("--xclient-addr", "192.0.2.1", "--header", "Subject: test", "--body", "text").
    helo=None lets swaks use this machine's hostname.
    """
    command = [SWAKS, "--server", f"{host}:{port}", "--from", sender, "--to", recipient,
               "--timeout", "20"]
    if helo:
        command += ["--helo", helo]
    command += [str(argument) for argument in extra_args]
    return subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=timeout,
                          stdin=subprocess.DEVNULL)


def transcript(result):
    """The command, its status, and swaks' output, for assertion messages."""
    return (f"$ {' '.join(result.args)}\nexit status {result.returncode}\n"
            f"{result.stdout}{result.stderr}")
