# Two images from one file. The console's (config/console): `docker build --target console -t redis-kun-console:0.1.0 .`
# Its page is built from the npm registry in a stage of its own, and only the built files reach the image.
FROM node:20-bookworm-slim AS console-page
WORKDIR /web
COPY console/web/package.json console/web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY console/web/ ./
RUN npm run build

FROM python:3.11-slim AS console
COPY console/requirements.txt /console/requirements.txt
RUN pip install --no-cache-dir -r /console/requirements.txt
COPY console/ /console/console/
COPY --from=console-page /web/dist/ /console/console/web/dist/
WORKDIR /console
USER 65532:65532
ENTRYPOINT ["python", "-m", "console"]

# The operator's image, the default target (the last stage): ansible-operator of the same version as the runtime the
# project targets, plus the role, its modules and what they import. `docker build -t redis-kun-operator:0.1.0 .`
# (config/default expects that name).
FROM quay.io/operator-framework/ansible-operator:v1.42.3

# The run-time packages of requirements.txt that the base image lacks (jmespath, and prometheus-client for the event
# relay's /metrics; the Redis modules speak RESP themselves), at the same versions, installed into the interpreter
# that runs Ansible: read from ansible-playbook's shebang, so a base image with another Python still works. Modules must run with that interpreter too (it has the kubernetes
# client); interpreter discovery would find the system's python3 instead, so it is named once, as ansible-python.
USER root
RUN python="$(sed -n '1s/^#!//p' /usr/local/bin/ansible-playbook)" \
 && "$python" -m pip install --no-cache-dir --prefix /usr/local jmespath==1.1.0 prometheus-client==0.26.0 \
 && ln -s "$python" /usr/local/bin/ansible-python
ENV ANSIBLE_PYTHON_INTERPRETER=/usr/local/bin/ansible-python
USER ${USER_UID}

COPY requirements.yml ${HOME}/requirements.yml
RUN ansible-galaxy collection install -r ${HOME}/requirements.yml \
 && chmod -R ug+rwx ${HOME}/.ansible

# ansible-runner does not run from ${HOME}, so name the configuration (it finds collections/ and roles/ relative to
# itself).
ENV ANSIBLE_CONFIG=${HOME}/ansible.cfg
COPY ansible.cfg ${HOME}/ansible.cfg
COPY watches.yaml ${HOME}/watches.yaml
COPY playbooks/ ${HOME}/playbooks/
COPY roles/ ${HOME}/roles/
COPY collections/ansible_collections/kun/ ${HOME}/collections/ansible_collections/kun/
# The event relay, the second container of the operator's pod (config/manager/manager.yaml), run from ${HOME}.
COPY event_relay/ ${HOME}/event_relay/
