# A real SMTP server for SmtpSenderTest and AlertsBedIT: Debian's python3-aiosmtpd on loopback, each message
# written to OUT_DIR as one file (atomically: written as .tmp, then renamed). With CERT and KEY it
# offers STARTTLS and requires it, and AUTH PLAIN/LOGIN accepting only USER/PASSWORD.
# Usage: smtp_server.py [HOST:]PORT OUT_DIR [CERT KEY USER PASSWORD]  (HOST: 127.0.0.1 by default)
import asyncio, os, ssl, sys, uuid
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

host, _, port = sys.argv[1].rpartition(":")
host, port, out = host or "127.0.0.1", int(port), sys.argv[2]
tls = len(sys.argv) > 3

class Store:
    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(out, uuid.uuid4().hex)
        with open(name + ".tmp", "wb") as f:
            f.write(("X-Rcpt: %s\nX-Auth: %s\nX-TLS: %s\n" % (",".join(envelope.rcpt_tos),
                     bool(session.authenticated),
                     session.ssl is not None)).encode())
            f.write(envelope.original_content)
        os.rename(name + ".tmp", name)
        return "250 OK"

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == sys.argv[5] \
        and auth_data.password.decode() == sys.argv[6]
    # handled=False: the server answers a refusal with 535 (True would leave the client waiting for an answer)
    return AuthResult(success=ok, handled=False)

kwargs = {}
if tls:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    kwargs = dict(tls_context=ctx, require_starttls=True, authenticator=authenticator, auth_required=True)
controller = Controller(Store(), hostname=host, port=port, **kwargs)
controller.start()
print("ready", flush=True)
try:
    sys.stdin.read()  # until the test closes our stdin (or dies)
finally:
    controller.stop()
