"""The Helm chart renders, and every manifest validates against the Kubernetes schemas (decision 0059).

No helm binary can be had here: tests/deploy_support.py renders with Go's text/template, Helm's own engine, and the
functions the chart calls. kubernetes-validate checks each manifest against the schema of Kubernetes 1.31 in strict
mode (an unknown field is an error).
"""

from __future__ import annotations

import kubernetes_validate
import pytest
import yaml

from .deploy_support import ROOT, SECRETS, build_renderer, render, render_raw

KUBERNETES = "1.31"


@pytest.fixture(scope="module")
def renderer(tmp_path_factory):
    return build_renderer(tmp_path_factory.mktemp("chart"))


def by_kind(manifests: list[dict]) -> dict[tuple[str, str], dict]:
    return {(doc["kind"], doc["metadata"]["name"]): doc for doc in manifests}


def container(manifest: dict) -> dict:
    return manifest["spec"]["template"]["spec"]["containers"][0]


@pytest.mark.parametrize(
    "overrides",
    [
        {"secrets": SECRETS},
        yaml.safe_load((ROOT / "deploy" / "chart" / "values-managed.example.yaml").read_text()),
        {"secrets": SECRETS, "web": {"autoscaling": {"enabled": False}, "podDisruptionBudget": None},
         "ingress": {"enabled": False}, "media": {"existingClaim": "photos"},
         "imagePullSecrets": [{"name": "registry"}], "nodeSelector": {"pool": "apps"},
         "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "delbar", "effect": "NoSchedule"}]},
    ],
    ids=["defaults", "managed-example", "no-autoscaling-no-ingress"],
)
def test_every_manifest_validates_against_the_kubernetes_schemas(renderer, overrides):
    manifests = render(renderer, overrides)
    assert len(manifests) >= 7
    for manifest in manifests:
        kubernetes_validate.validate(manifest, KUBERNETES, strict=True)


def test_the_chart_has_every_part_of_a_rollout(renderer):
    manifests = by_kind(render(renderer, {"secrets": SECRETS}))
    assert set(manifests) >= {
        ("Deployment", "delbar-web"), ("Deployment", "delbar-worker"), ("Deployment", "delbar-beat"),
        ("Job", "delbar-migrate"), ("Service", "delbar-web"), ("HorizontalPodAutoscaler", "delbar-web"),
        ("Ingress", "delbar"), ("ConfigMap", "delbar-config"), ("Secret", "delbar-secrets"),
        ("PersistentVolumeClaim", "delbar-media"), ("PodDisruptionBudget", "delbar-web"),
    }


def test_web_probes_ask_the_health_endpoints(renderer):
    web = container(by_kind(render(renderer, {"secrets": SECRETS}))[("Deployment", "delbar-web")])
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz/live"
    assert web["startupProbe"]["httpGet"]["path"] == "/healthz/live"
    assert web["readinessProbe"]["httpGet"]["path"] == "/healthz/ready"
    assert web["command"][0] == "gunicorn"
    assert web["securityContext"]["readOnlyRootFilesystem"] is True


def test_there_is_exactly_one_beat_and_it_is_never_rolled(renderer):
    beat = by_kind(render(renderer, {"secrets": SECRETS, "web": {"replicas": 5}}))[("Deployment", "delbar-beat")]
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    assert "beat" in container(beat)["command"]


def test_migrations_run_as_a_hook_before_install_and_upgrade_after_their_config(renderer):
    manifests = by_kind(render(renderer, {"secrets": SECRETS}))
    job = manifests[("Job", "delbar-migrate")]
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert container(job)["command"] == ["python", "manage.py", "migrate_schemas", "--noinput"]
    for needed in (("ConfigMap", "delbar-config"), ("Secret", "delbar-secrets")):
        annotations = manifests[needed]["metadata"]["annotations"]
        assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
        assert int(annotations["helm.sh/hook-weight"]) < int(job["metadata"]["annotations"]["helm.sh/hook-weight"])
    # the Job mounts no photo volume: the release's claim does not exist yet at pre-install
    assert [volume["name"] for volume in job["spec"]["template"]["spec"]["volumes"]] == ["tmp"]


def test_the_ingress_serves_the_root_domain_and_every_organisation(renderer):
    ingress = by_kind(render(renderer, {"secrets": SECRETS, "domain": "delbar.kommun.se"}))[("Ingress", "delbar")]
    assert [rule["host"] for rule in ingress["spec"]["rules"]] == ["delbar.kommun.se", "*.delbar.kommun.se"]
    assert ingress["spec"]["tls"][0]["hosts"] == ["delbar.kommun.se", "*.delbar.kommun.se"]


def test_an_existing_secret_is_used_and_none_is_written(renderer):
    manifests = by_kind(render(renderer, {"secrets": {"existingSecret": "delbar-env"}}))
    assert not [key for key in manifests if key[0] == "Secret"]
    env_from = container(manifests[("Deployment", "delbar-web")])["envFrom"]
    assert {"secretRef": {"name": "delbar-env"}} in env_from


def test_without_secrets_the_chart_refuses_to_render(renderer):
    result = render_raw(renderer, {})
    assert result.returncode != 0
    assert "secrets.existingSecret" in result.stderr


def test_production_settings_are_in_the_config(renderer):
    config = by_kind(render(renderer, {"secrets": SECRETS}))[("ConfigMap", "delbar-config")]["data"]
    assert config["DELBAR_ENV"] == "production"
    assert config["PLATFORM_DOMAIN"] == "delbar.example.se"
    assert config["LOG_FORMAT"] == "json"
    assert config["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/")
