{{/*
The release's object names: the release name, with the chart's name appended unless it is already in it, so that
two releases (say a namespace-scoped and a cluster-scoped one) never share a ClusterRole or ClusterRoleBinding.
*/}}
{{- define "redis-kun-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* What selects the release's operator pods: config/'s labels and the release's name. */}}
{{- define "redis-kun-operator.selectorLabels" -}}
{{- $manifest := .Files.Get "files/manager.yaml" | fromYaml -}}
{{- $labels := deepCopy $manifest.spec.selector.matchLabels -}}
{{- $_ := set $labels "app.kubernetes.io/instance" .Release.Name -}}
{{- toYaml $labels -}}
{{- end -}}

{{- define "redis-kun-operator.labels" -}}
{{ include "redis-kun-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{/* The namespaces whose RedisClusters a namespace-scoped release serves. */}}
{{- define "redis-kun-operator.watchedNamespaces" -}}
{{- toJson (.Values.watchNamespaces | default (list .Release.Namespace)) -}}
{{- end -}}
