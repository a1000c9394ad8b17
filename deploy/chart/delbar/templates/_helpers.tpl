{{/* Names, labels and the parts every Delbar pod shares. */}}

{{- define "delbar.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "delbar.labels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "delbar.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "delbar.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "delbar.secretName" -}}
{{- if .Values.secrets.existingSecret -}}
{{- .Values.secrets.existingSecret -}}
{{- else -}}
{{- printf "%s-secrets" (include "delbar.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "delbar.mediaClaim" -}}
{{- if .Values.media.existingClaim -}}
{{- .Values.media.existingClaim -}}
{{- else -}}
{{- printf "%s-media" (include "delbar.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* A changed ConfigMap or chart-made Secret rolls the pods. */}}
{{- define "delbar.checksums" -}}
checksum/config: {{ include "delbar.configData" . | sha256sum }}
checksum/secrets: {{ toJson .Values.secrets | sha256sum }}
{{- end -}}

{{- define "delbar.configData" -}}
DELBAR_ENV: "production"
PLATFORM_DOMAIN: {{ required "domain is required" .Values.domain | quote }}
MEDIA_ROOT: "/data/media"
PROMETHEUS_MULTIPROC_DIR: "/tmp/prometheus"
CELERY_BEAT_SCHEDULE_FILENAME: "/tmp/celerybeat-schedule"
{{- range $key, $value := .Values.config }}
{{ $key }}: {{ toString $value | quote }}
{{- end }}
{{- end -}}

{{- define "delbar.podSpecCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The volumes: /tmp always (the root file system is read-only), the photos unless .media is false (the
migrations Job runs before the release's claim exists and needs no photos). Called with (dict "root" . "media" bool). */}}
{{- define "delbar.volumes" -}}
volumes:
  - name: tmp
    emptyDir: {}
{{- if .media }}
  - name: media
    persistentVolumeClaim:
      claimName: {{ include "delbar.mediaClaim" .root }}
{{- end }}
{{- end -}}

{{- define "delbar.containerCommon" -}}
image: {{ include "delbar.image" .root | quote }}
imagePullPolicy: {{ .root.Values.image.pullPolicy }}
envFrom:
  - configMapRef:
      name: {{ include "delbar.fullname" .root }}-config
  - secretRef:
      name: {{ include "delbar.secretName" .root }}
securityContext:
  {{- toYaml .root.Values.securityContext | nindent 2 }}
volumeMounts:
  - name: tmp
    mountPath: /tmp
{{- if .media }}
  - name: media
    mountPath: /data/media
{{- end }}
{{- end -}}
