"""deploy/: the Kubernetes manifests validate (kubernetes-validate, from .venv-tools), hold no
secret and probe our health endpoint; the nginx example passes `nginx -t`; the image's entrypoint
refuses to start without its secrets."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.paths import ROOT
from rasa_ext.channels.health import HealthInput

DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
MANIFESTS = sorted(K8S.glob("*.yaml"))
SECRET_TEMPLATE = K8S / "secret.yaml.template"
VALIDATOR = ROOT / ".venv-tools" / "bin" / "kubernetes-validate"
KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")  # an older cluster still supported, and the newest schema


def documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def resources() -> list[dict[str, Any]]:
    return [doc for path in MANIFESTS for doc in documents(path)]


def of_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in resources() if doc["kind"] == kind}


def containers(deployment: dict[str, Any], init: bool = True) -> list[dict[str, Any]]:
    spec = deployment["spec"]["template"]["spec"]
    return spec["containers"] + (spec.get("initContainers", []) if init else [])


def secret_keys() -> set[str]:
    return set(documents(SECRET_TEMPLATE)[0]["stringData"])


# --- Kubernetes ---------------------------------------------------------------------------------


def test_every_manifest_validates_against_the_kubernetes_schemas() -> None:
    if not VALIDATOR.exists():
        pytest.skip(f"{VALIDATOR.relative_to(ROOT)} absent : lancez `make tools` (make install le fait).")
    files = [*MANIFESTS, SECRET_TEMPLATE]
    versions = [arg for version in KUBERNETES_VERSIONS for arg in ("-k", version)]
    done = subprocess.run([str(VALIDATOR), "--strict", *versions, *map(str, files)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    passed = [line for line in done.stdout.splitlines() if " passed for resource " in line]
    count = sum(len(documents(path)) for path in files)
    assert len(passed) == count * len(KUBERNETES_VERSIONS), done.stdout


def test_the_manifests_are_the_expected_set_in_one_namespace() -> None:
    kinds = sorted((doc["kind"], doc["metadata"]["name"]) for doc in resources())
    assert ("Namespace", "cap-jeunes-62") in kinds
    assert set(of_kind("Deployment")) == {"cj62-rasa", "cj62-actions", "cj62-backoffice"}
    assert set(of_kind("Service")) == {"cj62-rasa", "cj62-actions", "cj62-backoffice"}
    assert of_kind("Ingress") and of_kind("ConfigMap")
    assert not of_kind("Secret")  # only the template, which `kubectl apply -f deploy/k8s/` skips
    assert {doc["metadata"].get("namespace") for doc in resources() if doc["kind"] != "Namespace"} == {
        "cap-jeunes-62"}


def test_rasa_runs_two_replicas_probed_on_our_health_endpoint() -> None:
    rasa = of_kind("Deployment")["cj62-rasa"]
    assert rasa["spec"]["replicas"] == 2
    (container,) = containers(rasa, init=False)
    prefix = f"/webhooks/{HealthInput.name()}/"
    assert container["readinessProbe"]["httpGet"]["path"] == prefix + "ready"
    assert container["livenessProbe"]["httpGet"]["path"] == prefix
    assert container["startupProbe"]["httpGet"]["path"] == prefix
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))
    assert "rasa_ext.channels.health.HealthInput" in credentials  # so that Rasa mounts it


def test_the_other_processes_are_probed_on_their_own_health_routes() -> None:
    deployments = of_kind("Deployment")
    for name, path in (("cj62-actions", "/health"), ("cj62-backoffice", "/sante")):
        (container,) = containers(deployments[name], init=False)
        assert container["readinessProbe"]["httpGet"]["path"] == path
        assert container["livenessProbe"]["httpGet"]["path"] == path


def test_every_container_has_resource_limits_and_runs_unprivileged() -> None:
    for name, deployment in of_kind("Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["automountServiceAccountToken"] is False
        for container in containers(deployment):
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][bound]), (name, container["name"])
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    (rasa,) = containers(of_kind("Deployment")["cj62-rasa"], init=False)
    assert rasa["resources"]["limits"]["memory"] == rasa["resources"]["requests"]["memory"] == "2Gi"


def test_images_name_a_fixed_version_never_latest() -> None:
    images = {c["image"] for d in of_kind("Deployment").values() for c in containers(d)}
    assert len(images) == 1, images  # one image, three processes
    (image,) = images
    name, _, tag = image.rpartition(":")
    assert name and "/" not in tag and re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", tag), image


def test_no_secret_value_is_committed_and_secrets_come_from_the_secret() -> None:
    keys = secret_keys()
    assert {"RASA_JWT_SECRET", "ACTION_TOKEN", "CJ62_FERNET_KEY", "DATABASE_URL", "TRACKER_DB_URL"} <= keys
    template = documents(SECRET_TEMPLATE)[0]
    assert "data" not in template and set(template["stringData"].values()) == {""}
    config = next(iter(of_kind("ConfigMap").values()))["data"]
    assert not keys & set(config), "a secret in the ConfigMap"
    assert not any(re.search(r"://[^/\s]*:[^/\s]*@", str(value)) for value in config.values())
    for deployment in of_kind("Deployment").values():
        for container in containers(deployment):
            for variable in container.get("env", []):
                if variable["name"] in keys:
                    assert set(variable) == {"name", "valueFrom"}, variable
                    assert variable["valueFrom"]["secretKeyRef"]["name"] == "cj62-secrets"
                else:
                    assert "value" in variable or "configMapKeyRef" in variable.get("valueFrom", {}), variable
    text = "\n".join(path.read_text(encoding="utf-8") for path in [*MANIFESTS, SECRET_TEMPLATE])
    assert not re.search(r"(?i)(password|motdepasse|passwd)\s*[:=]\s*\S", text)


def test_rasa_gets_its_jwt_secret_and_tokens_from_the_secret() -> None:
    (rasa,) = containers(of_kind("Deployment")["cj62-rasa"], init=False)
    from_secret = {v["name"] for v in rasa["env"] if "secretKeyRef" in v.get("valueFrom", {})}
    assert {"RASA_JWT_SECRET", "ACTION_TOKEN", "TRACKER_DB_URL", "REDIS_URL", "CJ62_FERNET_KEY"} <= from_secret
    (actions,) = containers(of_kind("Deployment")["cj62-actions"], init=False)
    assert "ACTION_TOKEN" in {v["name"] for v in actions["env"]}
    assert actions["args"] == ["actions"]


def test_the_ingress_exposes_only_rasas_public_channels() -> None:
    ingresses = of_kind("Ingress").values()
    rasa_paths = {path["path"] for ingress in ingresses for rule in ingress["spec"]["rules"]
                  for path in rule["http"]["paths"] if path["backend"]["service"]["name"] == "cj62-rasa"}
    assert rasa_paths == {"/webhooks/rest/", "/webhooks/meta/", "/socket.io/"}
    assert all(ingress["spec"]["tls"][0]["secretName"] for ingress in ingresses)  # named only


def test_login_attempts_are_rate_limited_by_the_ingress_and_by_nginx() -> None:
    """Issue 16: neither the nginx example nor the ingress limited requests."""
    login = of_kind("Ingress")["cap-jeunes-62-backoffice-login"]
    assert int(login["metadata"]["annotations"]["nginx.ingress.kubernetes.io/limit-rpm"]) <= 30
    assert {p["path"] for rule in login["spec"]["rules"] for p in rule["http"]["paths"]} == {"/connexion", "/compte"}
    site = NGINX_SITE.read_text(encoding="utf-8")
    assert "limit_req_zone $binary_remote_addr zone=cj62_login" in site
    for location in ("/connexion", "/compte"):
        block = site.split(f"location {location} {{", 1)[1].split("}", 1)[0]
        assert "limit_req zone=cj62_login" in block
    assert "proxy_set_header X-Real-IP $remote_addr;" in site


# --- nginx ----------------------------------------------------------------------------------------

NGINX_SITE = DEPLOY / "nginx" / "cap-jeunes-62.conf"


def self_signed_certificate(directory: Path) -> None:
    """A throw-away certificate where the example names its own (nginx -t opens them)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cap-jeunes-62.test")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now)
                   .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    (directory / "fullchain.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (directory / "privkey.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def test_the_nginx_example_passes_nginx_t(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
    if nginx is None:
        pytest.skip("nginx absent : `make install` installe le paquet Debian nginx.")
    # Only the certificate and log paths move into tmp_path; every other line is the file's own.
    site = NGINX_SITE.read_text(encoding="utf-8")
    assert site.count("/etc/ssl/cap-jeunes-62/") == 4 and site.count("/var/log/nginx/") == 2
    self_signed_certificate(tmp_path)
    site = site.replace("/etc/ssl/cap-jeunes-62/", f"{tmp_path}/").replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "cap-jeunes-62.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    include {tmp_path}/cap-jeunes-62.conf;\n}}\n", encoding="utf-8")
    done = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr and "test is successful" in done.stderr


def server_blocks(text: str) -> dict[str, str]:
    """server_name → the block's text (the example's blocks hold no nested braces but locations)."""
    blocks = {}
    for match in re.finditer(r"^server \{\n(.*?)^\}", text, flags=re.M | re.S):
        name = re.search(r"server_name ([^;]+);", match.group(1)).group(1)
        blocks[name] = match.group(1)
    return blocks


def test_the_nginx_example_keeps_a_browser_on_one_replica_and_hides_rasas_api() -> None:
    text = NGINX_SITE.read_text(encoding="utf-8")
    upstream = re.search(r"upstream cj62_rasa \{(.*?)\}", text, flags=re.S).group(1)
    assert "ip_hash;" in upstream
    chat = server_blocks(text)["chat.cap-jeunes-62.exemple.fr"]
    assert "proxy_set_header Upgrade $http_upgrade;" in chat and "Connection $cj62_connection_upgrade" in chat
    locations = dict(re.findall(r"location ([^{]+?) \{(.*?)\}", chat, flags=re.S))
    to_rasa = {path for path, body in locations.items() if "proxy_pass http://cj62_rasa" in body}
    assert to_rasa == {"/webhooks/", "/socket.io/"}
    assert "return 404" in locations["/"] and "return 404" in locations["/webhooks/health/"]
    backoffice = server_blocks(text)["backoffice.cap-jeunes-62.exemple.fr"]
    assert "proxy_pass http://cj62_backoffice" in backoffice and "cj62_rasa" not in backoffice


# --- the image --------------------------------------------------------------------------------


def test_the_dockerfile_is_marked_not_built_here_and_runs_unprivileged_from_the_pinned_set() -> None:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    header = text.split("\n\n")[0]
    assert "Not built here: no container engine on these machines." in header
    assert "FROM python:3.10-slim" in text and ":latest" not in text
    assert "-r requirements.txt -c constraints.txt" in text
    assert re.search(r"^USER 10001", text, flags=re.M)
    assert "rasa train" not in (DEPLOY / "entrypoint.sh").read_text(encoding="utf-8")  # never at run time
    assert ".env" in (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").split()


def entrypoint(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """deploy/entrypoint.sh with fake `rasa` and `python` that print their arguments."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for program in ("rasa", "python"):
        fake = bin_dir / program
        fake.write_text('#!/bin/sh\necho "$0 $*"\nfor a; do case "$a" in *.yml) cat "$a";; esac; done\n')
        fake.chmod(0o755)
    return subprocess.run(["bash", str(DEPLOY / "entrypoint.sh"), *args], capture_output=True, text=True,
                          timeout=30, env={"PATH": f"{bin_dir}:/usr/bin:/bin", "TMPDIR": str(tmp_path), **env})


SECRETS = {"DATABASE_URL": "postgresql://cj62:s3cret@db/cj62", "TRACKER_DB_URL": "postgresql://cj62:s3cret@db/cj62",
           "REDIS_URL": "redis://redis:6379/0", "CJ62_FERNET_KEY": "clé", "RASA_JWT_SECRET": "jwt-s3cret",
           "ACTION_TOKEN": "jeton-s3cret", "ACTION_SERVER_URL": "http://cj62-actions:5055/webhook"}


def test_the_entrypoint_refuses_to_start_rasa_without_its_secrets(tmp_path: Path) -> None:
    done = entrypoint(tmp_path, "rasa", **{**SECRETS, "RASA_JWT_SECRET": "", "ACTION_TOKEN": ""})
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == "Variables manquantes : RASA_JWT_SECRET ACTION_TOKEN"
    assert entrypoint(tmp_path, "inconnu").returncode == 2


def test_the_entrypoint_starts_rasa_with_a_jwt_its_action_service_and_each_origin(tmp_path: Path) -> None:
    done = entrypoint(tmp_path, "rasa", **SECRETS, ALLOWED_ORIGINS="https://a.exemple.fr, https://b.exemple.fr")
    assert done.returncode == 0, done.stderr
    command = done.stdout.splitlines()[0]
    assert "-m rasa_ext.run --model models --interface 0.0.0.0 --port 5005" in command
    assert "--enable-api --cors https://a.exemple.fr https://b.exemple.fr" in command
    assert "jwt-s3cret" not in command  # issue 16: never on a command line (ps); rasa_ext.run reads it
    assert 'url: "http://cj62-actions:5055/webhook"' in done.stdout  # the endpoints it was given
    without_origins = entrypoint(tmp_path, "rasa", **SECRETS)
    assert without_origins.returncode == 0 and "--cors" not in without_origins.stdout, without_origins.stderr


def test_the_jwt_secret_reaches_rasa_inside_the_process_only() -> None:
    from rasa_ext.run import rasa_arguments

    assert rasa_arguments(["--port", "5005"], {"RASA_JWT_SECRET": "jwt-s3cret"}) == [
        "rasa", "run", "--port", "5005", "--jwt-secret=jwt-s3cret"]
    assert rasa_arguments([], {}) == ["rasa", "run"]
    with pytest.raises(SystemExit):
        rasa_arguments(["--jwt-secret=visible"], {})
    assert "--jwt-secret" not in (ROOT / "scripts" / "run_prod.sh").read_text(encoding="utf-8")


def test_the_entrypoint_binds_the_action_server_to_all_interfaces_only_explicitly(tmp_path: Path) -> None:
    done = entrypoint(tmp_path, "actions", **SECRETS)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split(maxsplit=1)[1].strip() == "-m rasa_ext.action_server --host 0.0.0.0"
    assert entrypoint(tmp_path, "backoffice", **SECRETS).returncode == 2  # BACKOFFICE_URL missing
