"""GitOps controller: intent in git, continuous plan/apply, drift detection.

`git` (the repository, via the git CLI), `revision` (is a commit fit to come
into force), `config` (flexvpn-gitops.yaml: drift policy overrides, rollout
settings), `observe` (plan a host with bounded retries), `apply` (the seam to
the rollout engine), `author` (who changed a headend, where it tells),
`status` (status file, Prometheus text), `http` (read-only endpoint), `lock`
(one controller per repository and shard), `controller` (the loop).
"""
