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

{{/* namespace -> [names] of the reports the audit controller writes, as JSON:
argoguard-<name> per guarded ConfigMap, and one report for all AppProjects
(Argo CD's namespace) and one for all rbac-rule ServiceAccounts (the
Workflows namespace). */}}
{{- define "argoguard.reportsByNamespace" -}}
{{- $s := .Values.settings | default dict -}}
{{- $acd := $s.argocd | default dict -}}
{{- $wf := $s.workflows | default dict -}}
{{- $by := dict -}}
{{- range (include "argoguard.guarded" . | fromYamlArray) -}}
{{- $_ := set $by .namespace (append (get $by .namespace | default list) (printf "argoguard-%s" .name) | uniq) -}}
{{- end -}}
{{- if ne (toString $acd.enabled) "false" -}}
{{- $ns := $acd.namespace | default "argocd" -}}
{{- $_ := set $by $ns (append (get $by $ns | default list) "argoguard-appprojects") -}}
{{- end -}}
{{- if ne (toString $wf.enabled) "false" -}}
{{- $ns := $wf.namespace | default "argo" -}}
{{- $_ := set $by $ns (append (get $by $ns | default list) "argoguard-serviceaccounts") -}}
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
{{ include "argoguard.webhookHead" (list $ (printf "%s.argoguard.io" $kind) $kind) }}
  {{- if eq $kind "mutate" }}
  reinvocationPolicy: Never
  {{- end }}
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
  {{- if ne $kind "mutate" }}
{{ include "argoguard.notControlPlaneDelete" . | indent 4 }}
  {{- end }}
{{- end -}}

{{/* The deletes argoguard always allows (webhook/breakglass.go
controlPlaneDeleters): kube-controller-manager's namespace controller and
garbage collector, with or without --use-service-account-credentials. Not
sending them means a namespace deleted while argoguard is down (or with
it: uninstalling both at once) still terminates. */}}
{{- define "argoguard.notControlPlaneDelete" -}}
- name: not-a-control-plane-delete
  expression: >-
    request.operation != 'DELETE' || !(request.userInfo.username in
    ['system:serviceaccount:kube-system:namespace-controller',
    'system:serviceaccount:kube-system:generic-garbage-collector',
    'system:kube-controller-manager'])
{{- end -}}


{{/* What every webhook entry shares; call with (list $ name "validate"|"mutate"). */}}
{{- define "argoguard.webhookHead" -}}
{{- $ := index . 0 -}}
- name: {{ index . 1 }}
  admissionReviewVersions: [v1]
  sideEffects: None
  failurePolicy: {{ include "argoguard.failurePolicy" $ }}
  timeoutSeconds: {{ $.Values.webhook.timeoutSeconds }}
  matchPolicy: Equivalent
  clientConfig:
    service:
      name: {{ include "argoguard.fullname" $ }}
      namespace: {{ $.Release.Namespace }}
      path: /{{ index . 2 }}
      port: 443
{{- end -}}

{{/* The validating webhooks of the objects beside the ConfigMaps that decide
what a group may do: AppProjects in Argo CD's namespace (all of them), and
ServiceAccounts in the Workflows namespace (in every namespace with
settings.workflows.namespaceDelegation) that carry the rbac-rule
annotation, new or old (null checks and has(): on CREATE oldObject is null,
on DELETE object is, annotations may be absent, and a CEL error would
reject the write under failurePolicy Fail). Creates, updates and deletes:
deleting one revokes grants or moves users. A component the settings
disable has none. */}}
{{- define "argoguard.rbacObjectWebhooks" -}}
{{- $s := .Values.settings | default dict -}}
{{- $acd := $s.argocd | default dict -}}
{{- $wf := $s.workflows | default dict -}}
{{- if ne (toString $acd.enabled) "false" }}
{{ include "argoguard.webhookHead" (list . "appprojects.validate.argoguard.io" "validate") }}
  rules:
    - apiGroups: [argoproj.io]
      apiVersions: [v1alpha1]
      resources: [appprojects]
      operations: [CREATE, UPDATE, DELETE]
      scope: Namespaced
  namespaceSelector:
    matchExpressions:
      - key: kubernetes.io/metadata.name
        operator: In
        values: [{{ $acd.namespace | default "argocd" | toJson }}]
  matchConditions:
{{ include "argoguard.notControlPlaneDelete" . | indent 4 }}
{{- end }}
{{- if ne (toString $wf.enabled) "false" }}
{{ include "argoguard.webhookHead" (list . "serviceaccounts.validate.argoguard.io" "validate") }}
  rules:
    - apiGroups: [""]
      apiVersions: [v1]
      resources: [serviceaccounts]
      operations: [CREATE, UPDATE, DELETE]
      scope: Namespaced
  {{- if not $wf.namespaceDelegation }}
  namespaceSelector:
    matchExpressions:
      - key: kubernetes.io/metadata.name
        operator: In
        values: [{{ $wf.namespace | default "argo" | toJson }}]
  {{- end }}
  matchConditions:
    - name: rbac-rule-account
      expression: >-
        (object != null && has(object.metadata) && has(object.metadata.annotations)
        && 'workflows.argoproj.io/rbac-rule' in object.metadata.annotations)
        || (oldObject != null && has(oldObject.metadata) && has(oldObject.metadata.annotations)
        && 'workflows.argoproj.io/rbac-rule' in oldObject.metadata.annotations)
{{ include "argoguard.notControlPlaneDelete" . | indent 4 }}
{{- end }}
{{- end -}}
