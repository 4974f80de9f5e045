#!/bin/sh
# openmede's least-privilege ACLs as kafka-acls commands, one SCRAM user per role.
# Generated from io.openmede.stack.access.Role (`openmede stack acls --format kafka-acls`);
# AclFilesTest fails when this file differs from the table. `openmede stack` applies the same ACLs.
#
#   BOOTSTRAP=broker-1:9093 ADMIN_CONFIG=admin.properties sh deploy/acls/kafka-acls.sh
#
# ADMIN_CONFIG: client properties of a super user (security.protocol, sasl.*, ssl.*).
# Create the users first, e.g. kafka-configs.sh --alter --add-config
#   'SCRAM-SHA-512=[password=...]' --entity-type users --entity-name openmede-camera
set -eu
: "${BOOTSTRAP:?set BOOTSTRAP to the brokers' host:port}"
: "${ADMIN_CONFIG:?set ADMIN_CONFIG to a super user's client properties file}"
KAFKA_ACLS="${KAFKA_ACLS:-kafka-acls.sh}"
acl() {
  "$KAFKA_ACLS" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_CONFIG" --add "$@"
}

# openmede-camera: write openmede.frames; read it back to continue a stream's numbering after a restart
acl --allow-principal User:openmede-camera --operation Write --operation Read --operation Describe --topic openmede.frames

# openmede-dataset: write openmede.labeled-clips
acl --allow-principal User:openmede-dataset --operation Write --operation Describe --topic openmede.labeled-clips

# openmede-recognizer: read frames, vocabulary, checkpoints; write recognitions, dead letters; its group, internal topics and transactional ids
acl --allow-principal User:openmede-recognizer --operation Read --operation Describe --topic openmede.frames
acl --allow-principal User:openmede-recognizer --operation Read --operation Describe --topic openmede.vocabulary
acl --allow-principal User:openmede-recognizer --operation Read --operation Describe --topic openmede.checkpoints
acl --allow-principal User:openmede-recognizer --operation Write --operation Describe --topic openmede.recognitions
acl --allow-principal User:openmede-recognizer --operation Write --operation Describe --topic openmede.dead-letters
acl --allow-principal User:openmede-recognizer --operation Read --operation Describe --group openmede-recognizer --resource-pattern-type prefixed
acl --allow-principal User:openmede-recognizer --operation All --topic openmede-recognizer- --resource-pattern-type prefixed
acl --allow-principal User:openmede-recognizer --operation Write --operation Describe --transactional-id openmede-recognizer- --resource-pattern-type prefixed

# openmede-page: the recognizer's grants; read every topic the page shows; write vocabulary, rules, feedback
acl --allow-principal User:openmede-page --operation Read --operation Describe --topic openmede.frames
acl --allow-principal User:openmede-page --operation Read --operation Describe --operation Write --topic openmede.vocabulary
acl --allow-principal User:openmede-page --operation Read --operation Describe --topic openmede.checkpoints
acl --allow-principal User:openmede-page --operation Write --operation Describe --operation Read --topic openmede.recognitions
acl --allow-principal User:openmede-page --operation Write --operation Describe --operation Read --topic openmede.dead-letters
acl --allow-principal User:openmede-page --operation Read --operation Describe --group openmede-recognizer --resource-pattern-type prefixed
acl --allow-principal User:openmede-page --operation All --topic openmede-recognizer- --resource-pattern-type prefixed
acl --allow-principal User:openmede-page --operation Write --operation Describe --transactional-id openmede-recognizer- --resource-pattern-type prefixed
acl --allow-principal User:openmede-page --operation Read --operation Describe --operation Write --topic openmede.rules
acl --allow-principal User:openmede-page --operation Read --operation Describe --topic openmede.events
acl --allow-principal User:openmede-page --operation Read --operation Describe --operation Write --topic openmede.feedback
acl --allow-principal User:openmede-page --operation Read --operation Describe --topic openmede.labeled-clips
acl --allow-principal User:openmede-page --operation Read --operation Describe --topic openmede.clips

# openmede-trainer: read labeled clips; write checkpoints, dead letters
acl --allow-principal User:openmede-trainer --operation Read --operation Describe --topic openmede.labeled-clips
acl --allow-principal User:openmede-trainer --operation Write --operation Describe --topic openmede.checkpoints
acl --allow-principal User:openmede-trainer --operation Write --operation Describe --topic openmede.dead-letters

# openmede-labeler: read feedback, frames, vocabulary; write labeled clips, vocabulary (--add-to-vocabulary), dead letters; its group
acl --allow-principal User:openmede-labeler --operation Read --operation Describe --topic openmede.feedback
acl --allow-principal User:openmede-labeler --operation Read --operation Describe --topic openmede.frames
acl --allow-principal User:openmede-labeler --operation Read --operation Write --operation Describe --topic openmede.vocabulary
acl --allow-principal User:openmede-labeler --operation Write --operation Describe --topic openmede.labeled-clips
acl --allow-principal User:openmede-labeler --operation Write --operation Describe --topic openmede.dead-letters
acl --allow-principal User:openmede-labeler --operation Read --group openmede-labeler

# openmede-events: read recognitions, rules, frames (clips); write events, clips, dead letters; its groups, internal topics and transactional ids
acl --allow-principal User:openmede-events --operation Read --operation Describe --topic openmede.recognitions
acl --allow-principal User:openmede-events --operation Read --operation Describe --topic openmede.rules
acl --allow-principal User:openmede-events --operation Read --operation Write --operation Describe --topic openmede.events
acl --allow-principal User:openmede-events --operation Read --operation Describe --topic openmede.frames
acl --allow-principal User:openmede-events --operation Read --operation Write --operation Describe --topic openmede.clips
acl --allow-principal User:openmede-events --operation Write --operation Describe --topic openmede.dead-letters
acl --allow-principal User:openmede-events --operation Read --operation Describe --group openmede-events --resource-pattern-type prefixed
acl --allow-principal User:openmede-events --operation All --topic openmede-events- --resource-pattern-type prefixed
acl --allow-principal User:openmede-events --operation Write --operation Describe --transactional-id openmede-events- --resource-pattern-type prefixed

# openmede-operator: read every project topic; write vocabulary, rules, checkpoints (promote, roll back), feedback; groups openmede-*
acl --allow-principal User:openmede-operator --operation Read --operation Describe --topic openmede.frames
acl --allow-principal User:openmede-operator --operation Read --operation Describe --operation Write --topic openmede.vocabulary
acl --allow-principal User:openmede-operator --operation Read --operation Describe --topic openmede.recognitions
acl --allow-principal User:openmede-operator --operation Read --operation Describe --topic openmede.labeled-clips
acl --allow-principal User:openmede-operator --operation Read --operation Describe --operation Write --topic openmede.checkpoints
acl --allow-principal User:openmede-operator --operation Read --operation Describe --topic openmede.dead-letters
acl --allow-principal User:openmede-operator --operation Read --operation Describe --operation Write --topic openmede.rules
acl --allow-principal User:openmede-operator --operation Read --operation Describe --topic openmede.events
acl --allow-principal User:openmede-operator --operation Read --operation Describe --operation Write --topic openmede.feedback
acl --allow-principal User:openmede-operator --operation Read --operation Describe --topic openmede.clips
acl --allow-principal User:openmede-operator --operation Read --group openmede- --resource-pattern-type prefixed
