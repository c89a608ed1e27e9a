{{/* Names. */}}
{{- define "argoguard.fullname" -}}
{{- if contains "argoguard" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-argoguard" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "argoguard.labels" -}}
app.kubernetes.io/name: argoguard
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: argoguard
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "argoguard.selectorLabels" -}}
app.kubernetes.io/name: argoguard
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: webhook
{{- end -}}

{{/* The guarded objects, from the settings, with argoguard's defaults; a
component whose settings say enabled: false (a cluster without it) has none,
so no Role is rendered in its namespace and no write there reaches argoguard. */}}
{{- define "argoguard.guarded" -}}
{{- $s := .Values.settings | default dict -}}
{{- $acd := $s.argocd | default dict -}}
{{- $wf := $s.workflows | default dict -}}
{{- $acdNS := $acd.namespace | default "argocd" -}}
{{- $wfNS := $wf.namespace | default "argo" -}}
{{- if ne (toString $acd.enabled) "false" }}
- namespace: {{ $acdNS }}
  name: {{ $acd.configMap | default "argocd-cm" }}
- namespace: {{ $acdNS }}
  name: {{ $acd.rbacConfigMap | default "argocd-rbac-cm" }}
{{- end }}
{{- if ne (toString $wf.enabled) "false" }}
- namespace: {{ $wfNS }}
  name: {{ $wf.configMap | default "workflow-controller-configmap" }}
{{- end }}
{{- end -}}

{{/* namespace -> [names] of the guarded objects, as JSON (one Role per namespace). */}}
{{- define "argoguard.guardedByNamespace" -}}
{{- $by := dict -}}
{{- range (include "argoguard.guarded" . | fromYamlArray) -}}
{{- $_ := set $by .namespace (append (get $by .namespace | default list) .name | uniq) -}}
{{- end -}}
{{- toJson $by -}}
{{- end -}}

{{- define "argoguard.mode" -}}
{{- (.Values.settings | default dict).mode | default "enforce" -}}
{{- end -}}

{{- define "argoguard.failurePolicy" -}}
{{- if .Values.webhook.failurePolicy -}}
{{- .Values.webhook.failurePolicy -}}
{{- else if eq (include "argoguard.mode" .) "audit" -}}
Ignore
{{- else -}}
Fail
{{- end -}}
{{- end -}}

{{/* The webhook entry shared by both configurations; call with (list $ "validate"|"mutate"). */}}
{{- define "argoguard.webhook" -}}
{{- $ := index . 0 -}}
{{- $kind := index . 1 -}}
{{- $guarded := include "argoguard.guarded" $ | fromYamlArray -}}
{{- if not $guarded -}}
{{- fail "settings.argocd.enabled and settings.workflows.enabled are both false: argoguard would guard nothing" -}}
{{- end -}}
{{- $keys := list -}}
{{- $namespaces := list -}}
{{- range $guarded -}}
{{- $keys = append $keys (printf "'%s/%s'" .namespace .name) -}}
{{- $namespaces = append $namespaces .namespace | uniq -}}
{{- end -}}
- name: {{ $kind }}.argoguard.io
  admissionReviewVersions: [v1]
  sideEffects: None
  failurePolicy: {{ include "argoguard.failurePolicy" $ }}
  timeoutSeconds: {{ $.Values.webhook.timeoutSeconds }}
  matchPolicy: Equivalent
  {{- if eq $kind "mutate" }}
  reinvocationPolicy: Never
  {{- end }}
  clientConfig:
    service:
      name: {{ include "argoguard.fullname" $ }}
      namespace: {{ $.Release.Namespace }}
      path: /{{ $kind }}
      port: 443
  rules:
    - apiGroups: [""]
      apiVersions: [v1]
      resources: [configmaps]
      operations: {{ if eq $kind "mutate" }}[CREATE, UPDATE]{{ else }}[CREATE, UPDATE, DELETE]{{ end }}
      scope: Namespaced
  namespaceSelector:
    matchExpressions:
      - key: kubernetes.io/metadata.name
        operator: In
        values: {{ toJson $namespaces }}
  matchConditions:
    - name: guarded-object
      expression: >-
        request.namespace + '/' + (request.operation == 'DELETE'
        ? oldObject.metadata.name
        : (has(object.metadata.name) ? object.metadata.name : ''))
        in [{{ join ", " $keys }}]
{{- end -}}
