"""docker-compose.yml scales: `docker compose up --scale web=3 --scale worker-files=2` needs services without fixed
names or host ports, and every job queue of settings.TASK_QUEUES needs a worker that takes it."""
import re
from pathlib import Path

import yaml
from django.conf import settings

COMPOSE = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
WORKERS = {name: service for name, service in SERVICES.items() if name.startswith("worker-")}


def test_no_service_has_a_fixed_container_name():
    assert not [name for name, service in SERVICES.items() if "container_name" in service]


def test_web_and_workers_publish_no_host_port_so_they_scale():
    for name in ["web", *WORKERS]:
        assert "ports" not in SERVICES[name], name
        assert "ipv4_address" not in str(SERVICES[name].get("networks", "")), name


def test_every_queue_has_a_worker():
    taken = set()
    for service in WORKERS.values():
        match = re.search(r"-Q\s+(\S+)", service["command"])
        assert match, service["command"]
        taken |= set(match[1].split(","))
    assert taken == {settings.CELERY_TASK_DEFAULT_QUEUE, *settings.TASK_QUEUES}


def test_beat_stays_single():
    assert SERVICES["beat"].get("deploy", {}).get("replicas") == 1
