# The two commands of the README are `make run` and `make test`; everything else is a step of those.
SHELL := /bin/bash
VENV := .venv/bin
export PATH := $(CURDIR)/bin:$(CURDIR)/$(VENV):$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg

.PHONY: deps sandbox sandbox-down run test lint collection unit integration e2e chaos soak bench deploy undeploy undeploy-crd

deps:  ## install OS packages, the Python environment and the sandbox binaries (idempotent)
	@scripts/install-deps

sandbox: deps  ## start the local Kubernetes sandbox; writes .sandbox/kubeconfig
	@$(VENV)/python -m sandbox up

sandbox-down:  ## stop the sandbox and remove everything it created
	@$(VENV)/python -m sandbox down

run:  ## run the operator: on $$KUBECONFIG when set, else on the sandbox (installs what it needs)
	@scripts/run

test: deps  ## every linter and every test suite: what CI runs
	@scripts/test

lint: deps
	@scripts/test lint

collection unit integration e2e chaos soak: deps
	@scripts/test $@

bench: deps  ## print the benchmark figures (medians of repeated runs)
	@scripts/bench

# INSTALL=default: the namespace-scoped operator; INSTALL=cluster-scoped: the cluster-wide one (both may coexist).
INSTALL ?= default

deploy:  ## install the CRD and the operator into the cluster of $$KUBECONFIG with kustomize
	kubectl apply --server-side -k config/$(INSTALL)

undeploy:  ## remove the operator; the CRD and every RedisCluster stay (see undeploy-crd)
	kubectl delete -k config/$(INSTALL) -l redis.kun/operator-install=true --ignore-not-found

undeploy-crd:  ## remove the CRD too: this deletes every RedisCluster in the cluster
	kubectl delete -f config/crd/bases --ignore-not-found
