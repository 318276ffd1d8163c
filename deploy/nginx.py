"""Start nginx in front of the app replicas: render deploy/nginx.conf.template, then exec.

Reads NGINX_PORT, APP_PORTS (comma-separated replica ports on 127.0.0.1) and
DEPLOY_DATA (where nginx keeps its pid and temporary files) from the environment.
"""

from __future__ import annotations

import os
import string
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    data = Path(os.environ.get("DEPLOY_DATA", "deploy-data")).resolve()
    data.mkdir(parents=True, exist_ok=True)
    ports = [p.strip() for p in os.environ.get("APP_PORTS", "7861,7862").split(",") if p.strip()]
    servers = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in ports
    )
    max_body = int(os.environ.get("ASSISTANT_MAX_REQUEST_BYTES", "25000000")) + 1_000_000
    template = string.Template((HERE / "nginx.conf.template").read_text())
    config = template.safe_substitute(
        DATA=str(data),
        SERVERS=servers,
        PORT=os.environ.get("NGINX_PORT", "8080"),
        MAX_BODY=str(max_body),
    )
    path = data / "nginx.conf"
    path.write_text(config)
    nginx = os.environ.get("NGINX", "/usr/sbin/nginx")
    os.execv(nginx, [nginx, "-c", str(path), "-p", str(data), "-g", "daemon off;"])


if __name__ == "__main__":
    main()
