#!/usr/bin/env python3
"""deploy/kubernetes read with PyYAML (no cluster, no kubectl: it is not a Debian package):
the kustomizations name files that exist; kinds and apiVersions; probes on the server's ports,
health service names and routes; the HPA's metric is one /metrics exports; the config in the
ConfigMaps has only keys the server knows, listens where the Service points and keeps models
and voices on the mounted volume; the image names agree with the Containerfile's."""
import glob
import json
import os
import unittest

import yaml

import project

ROOT = os.path.join(project.DEPLOY, "kubernetes")
API_VERSIONS = {"ConfigMap": "v1", "PersistentVolumeClaim": "v1", "Service": "v1",
                "Deployment": "apps/v1", "HorizontalPodAutoscaler": "autoscaling/v2",
                "Kustomization": "kustomize.config.k8s.io/v1beta1"}


def load(path):
    with open(path) as f:
        return list(yaml.safe_load_all(f))


def by_kind(documents):
    return {d["kind"]: d for d in documents}


def container(deployment):
    containers = deployment["spec"]["template"]["spec"]["containers"]
    return next(c for c in containers if c["name"] == "chatterboxd")


def check_config(test, text, ports, mounts):
    config = json.loads(text)
    keys = project.config_keys()
    test.assertEqual(set(config) - keys[""], set())
    test.assertEqual(set(config.get("limits", {})) - keys["limits."], set())
    for model in config["models"]:
        test.assertEqual(set(model) - keys["models[]."], set())
    for name, port in ports.items():
        test.assertEqual(config[name + "_listen"], f"0.0.0.0:{port}", "the kubelet probes the pod IP")
    data = mounts["data"]
    test.assertTrue(config["voice_dir"].startswith(data + "/"), config["voice_dir"])
    for model in config["models"]:
        test.assertTrue(model["checkpoint_dir"].startswith(data + "/"), model)
    return config


class KubernetesTest(unittest.TestCase):
    def setUp(self):
        self.base = by_kind(doc for path in sorted(glob.glob(os.path.join(ROOT, "base", "*.yaml")))
                            for doc in load(path))
        self.ports = project.default_ports()
        self.deployment = self.base["Deployment"]
        self.container = container(self.deployment)
        self.mounts = {m["name"]: m["mountPath"] for m in self.container["volumeMounts"]}

    def test_kustomizations_name_existing_files(self):
        for path in glob.glob(os.path.join(ROOT, "**", "kustomization.yaml"), recursive=True):
            (k,) = load(path)
            self.assertEqual(k["apiVersion"], API_VERSIONS["Kustomization"])
            here = os.path.dirname(path)
            for entry in k.get("resources", []) + [p["path"] for p in k.get("patches", [])]:
                self.assertTrue(os.path.exists(os.path.join(here, entry)), entry)
        (base,) = load(os.path.join(ROOT, "base", "kustomization.yaml"))
        listed = set(base["resources"])
        present = {os.path.basename(p) for p in glob.glob(os.path.join(ROOT, "base", "*.yaml"))}
        self.assertEqual(listed, present - {"kustomization.yaml"})

    def test_kinds_and_api_versions(self):
        for path in glob.glob(os.path.join(ROOT, "**", "*.yaml"), recursive=True):
            for doc in load(path):
                self.assertEqual(doc["apiVersion"], API_VERSIONS[doc["kind"]], path)
        self.assertEqual(set(self.base) | {"Kustomization"}, set(API_VERSIONS))

    def test_grpc_probes_on_the_health_service(self):
        services = project.health_services()
        readiness, liveness = self.container["readinessProbe"], self.container["livenessProbe"]
        self.assertEqual(readiness["grpc"], {"port": self.ports["grpc"], "service": ""})
        self.assertEqual(liveness["grpc"]["port"], self.ports["grpc"])
        self.assertIn(liveness["grpc"]["service"], services)
        self.assertIn("", services)

    def test_http_probes_overlay(self):
        (patch,) = load(os.path.join(ROOT, "overlays", "http-probes", "probes.yaml"))
        probes = container(patch)
        routes = project.http_get_routes()
        for probe, path in (("readinessProbe", "/ready"), ("livenessProbe", "/live")):
            self.assertEqual(probes[probe]["$patch"], "replace")
            self.assertEqual(probes[probe]["httpGet"], {"path": path, "port": self.ports["http"]})
            self.assertIn(path, routes)

    def test_ports_and_service(self):
        ports = {p["name"]: p["containerPort"] for p in self.container["ports"]}
        self.assertEqual(ports, self.ports)
        service = self.base["Service"]
        selector = self.deployment["spec"]["selector"]["matchLabels"]
        self.assertEqual(service["spec"]["selector"], selector)
        self.assertEqual(self.deployment["spec"]["template"]["metadata"]["labels"], selector)
        for p in service["spec"]["ports"]:
            self.assertEqual(p["port"], self.ports[p["name"]])
            self.assertEqual(p["targetPort"], p["name"])
        annotations = self.deployment["spec"]["template"]["metadata"]["annotations"]
        self.assertEqual(int(annotations["prometheus.io/port"]), self.ports["http"])
        self.assertIn(annotations["prometheus.io/path"], project.http_get_routes())

    def test_resources_security_and_volumes(self):
        resources = self.container["resources"]
        self.assertIn("cpu", resources["requests"])
        self.assertIn("memory", resources["limits"])
        pod = self.deployment["spec"]["template"]["spec"]
        self.assertIs(pod["securityContext"]["runAsNonRoot"], True)
        self.assertIs(self.container["securityContext"]["allowPrivilegeEscalation"], False)
        volumes = {v["name"]: v for v in pod["volumes"]}
        self.assertEqual(set(volumes), set(self.mounts))
        claim = volumes["data"]["persistentVolumeClaim"]["claimName"]
        self.assertEqual(claim, self.base["PersistentVolumeClaim"]["metadata"]["name"])
        config_map = volumes["config"]["configMap"]["name"]
        self.assertEqual(config_map, self.base["ConfigMap"]["metadata"]["name"])
        args = self.container["args"]
        self.assertEqual(args[:2], ["serve", "--config"])
        self.assertEqual(os.path.dirname(args[2]), self.mounts["config"])
        self.assertIn(os.path.basename(args[2]), self.base["ConfigMap"]["data"])

    def test_config_maps(self):
        name = os.path.basename(self.container["args"][2])
        base = check_config(self, self.base["ConfigMap"]["data"][name], self.ports, self.mounts)
        self.assertEqual(base["models"][0]["devices"], ["cpu"])
        (gpu,) = load(os.path.join(ROOT, "overlays", "gpu", "configmap.yaml"))
        self.assertEqual(gpu["metadata"]["name"], self.base["ConfigMap"]["metadata"]["name"])
        gpu_config = check_config(self, gpu["data"][name], self.ports, self.mounts)
        self.assertEqual(gpu_config["models"][0]["devices"], ["auto"])

    def test_hpa_scales_on_a_real_metric(self):
        hpa = self.base["HorizontalPodAutoscaler"]["spec"]
        self.assertEqual(hpa["scaleTargetRef"],
                         {"apiVersion": "apps/v1", "kind": "Deployment",
                          "name": self.deployment["metadata"]["name"]})
        self.assertLessEqual(hpa["minReplicas"], hpa["maxReplicas"])
        (metric,) = hpa["metrics"]
        self.assertEqual(metric["type"], "Pods")
        self.assertIn(metric["pods"]["metric"]["name"], project.metric_names())
        config = json.loads(self.base["ConfigMap"]["data"]["chatterboxd.json"])
        target = float(metric["pods"]["target"]["averageValue"])
        self.assertLess(0, target)
        self.assertLessEqual(target, config["max_slots"], "more streams a pod than it has slots")

    def test_gpu_overlay(self):
        (k,) = load(os.path.join(ROOT, "overlays", "gpu", "kustomization.yaml"))
        self.assertEqual(k["resources"], ["../../base"])
        (patch,) = load(os.path.join(ROOT, "overlays", "gpu", "gpu.yaml"))
        self.assertEqual(patch["metadata"]["name"], self.deployment["metadata"]["name"])
        self.assertEqual(container(patch)["resources"]["limits"]["nvidia.com/gpu"], 1)
        (image,) = k["images"]
        self.assertEqual(image["name"], self.container["image"].split(":")[0])
        self.assertEqual(image["newTag"], "cuda")

    def test_image_is_the_containerfiles(self):
        with open(os.path.join(project.DEPLOY, "container", "Containerfile")) as f:
            self.assertIn("-t " + self.container["image"] + " ", f.read())


if __name__ == "__main__":
    unittest.main(verbosity=2)
