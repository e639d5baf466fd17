# The two commands of the README are `make run` and `make test`; everything else is a step of those.
SHELL := /bin/bash
VENV := .venv/bin
export PATH := $(CURDIR)/bin:$(CURDIR)/$(VENV):$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg

.PHONY: help deps sandbox sandbox-down run console test lint collection web unit integration e2e chaos soak bench deploy undeploy undeploy-crd bundle
.DEFAULT_GOAL := help

help:  ## list the targets with what each does (the default goal)
	@awk -F ':.*## ' '/^[a-zA-Z0-9_-]+:.*## / { gsub(/\$$\$$/, "$$", $$2); printf "  %-14s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

deps:  ## install OS packages, the Python environment and the sandbox binaries (idempotent)
	@scripts/install-deps

sandbox: deps  ## start the local Kubernetes sandbox; writes .sandbox/kubeconfig
	@$(VENV)/python -m sandbox up

sandbox-down:  ## stop the sandbox and remove everything it created
	@$(VENV)/python -m sandbox down

run:  ## run the operator: on $$KUBECONFIG when set, else on the sandbox (installs what it needs)
	@scripts/run

console:  ## run the web console alone (http://127.0.0.1:8765/): on $$KUBECONFIG when set, else on the sandbox
	@scripts/console

test: deps  ## every linter and every test suite: what CI runs
	@scripts/test

lint: deps  ## ruff (check and format), yamllint, helm lint (the chart, both scopes), shellcheck and ansible-lint
	@scripts/test lint

collection: deps  ## ansible-test sanity and unit tests of the kun.redis collection, from the collection's directory
	@scripts/test collection

web: deps  ## node: the console page's unit tests (console/web)
	@scripts/test web

unit: deps  ## pytest: the unit suite (pure logic, no processes)
	@scripts/test unit

integration: deps  ## pytest: the modules against real redis-server and redis-sentinel processes
	@scripts/test integration

e2e: deps  ## pytest: the operator end to end on the sandbox (started when it is not running)
	@scripts/test e2e

chaos: deps  ## pytest: the quick chaos cases on the sandbox
	@scripts/test chaos

soak: deps  ## pytest: every chaos scenario (long; not part of make test)
	@scripts/test soak

bench: deps  ## print the benchmark figures (medians of repeated runs)
	@scripts/bench

# INSTALL=default: the namespace-scoped operator; INSTALL=cluster-scoped: the cluster-wide one (both may coexist).
INSTALL ?= default

deploy:  ## install the CRD and the operator into the cluster of $$KUBECONFIG with kustomize (INSTALL=cluster-scoped: the cluster-wide one)
	kubectl apply --server-side -k config/$(INSTALL)

undeploy:  ## remove the operator; its namespace, the CRD and every RedisCluster stay (see undeploy-crd)
	kubectl delete -k config/$(INSTALL) -l redis.kun/operator-install=true --ignore-not-found

undeploy-crd:  ## remove the CRD too: this deletes every RedisCluster in the cluster
	kubectl delete -f config/crd/bases --ignore-not-found

bundle: deps  ## write the OLM bundle generated from config/ to bundle/ and validate it (docs/install.md, OLM)
	@$(VENV)/python -m olm_bundle --output bundle
