"""PyInstaller runtime hook: give the frozen app's OpenSSL a CA bundle when the machine offers it none.

The bundled libssl looks for CA certificates where the build machine keeps them (Debian:
/usr/lib/ssl, /etc/ssl/certs; a python.org or pyenv build on macOS: its own prefix, absent on users'
Macs), so model downloads could fail certificate checks elsewhere. certifi's bundle, shipped beside the
app, is used only when SSL_CERT_FILE is unset and OpenSSL finds no CA file or folder of its own.
"""

import os
import ssl
import sys


def _use_bundled_certificates() -> None:
    if os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR"):
        return
    defaults = ssl.get_default_verify_paths()
    if defaults.cafile or (defaults.capath and os.path.isdir(defaults.capath) and os.listdir(defaults.capath)):
        return
    bundled = os.path.join(getattr(sys, "_MEIPASS", ""), "certifi", "cacert.pem")
    if os.path.isfile(bundled):
        os.environ["SSL_CERT_FILE"] = bundled


_use_bundled_certificates()
