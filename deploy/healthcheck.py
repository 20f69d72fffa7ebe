"""The containers' healthcheck: ``python deploy/healthcheck.py live|ready`` exits 0 when the portal answers 200.

It calls gunicorn inside the container (127.0.0.1:8000) with a Host header the portal accepts: HEALTHCHECK_HOST, or
else the first name of ALLOWED_HOSTS (Django answers 400 to a host it was not given, such as 127.0.0.1). The health
paths are exempt from the HTTPS redirect (SECURE_REDIRECT_EXEMPT). Plain Python: no Django to load every 30 seconds.
"""
import os
import sys
import urllib.request


def health_host(environ):
    if environ.get("HEALTHCHECK_HOST"):
        return environ["HEALTHCHECK_HOST"]
    names = [name.strip() for name in environ.get("ALLOWED_HOSTS", "").split(",") if name.strip()]
    name = names[0] if names else "localhost"
    return "localhost" if name == "*" else name.lstrip(".")


def main(argv, environ):
    which = argv[1] if len(argv) > 1 else "live"
    port = environ.get("PORT", "8000")
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz/{which}", headers={"Host": health_host(environ)})
    try:
        with urllib.request.urlopen(request, timeout=float(environ.get("HEALTHCHECK_TIMEOUT", "5"))) as response:
            print(response.read().decode()[:2000])
            return 0 if response.status == 200 else 1
    except Exception as exc:  # urllib raises for 4xx and 5xx too: any of them is unhealthy
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv, os.environ))
