#!/usr/bin/env bash
# Stands in for the official Flink image's entrypoint: "jobmanager" runs a session JobManager (REST
# API and web submission on 8081), "taskmanager" a TaskManager; FLINK_PROPERTIES ("key: value"
# lines) are appended to conf/config.yaml; jobmanager.rpc.address defaults to this host's name;
# env.java.opts.all and env.java.opts.jobmanager|taskmanager are passed to the JVM.
# Anything else is run as a command.
set -euo pipefail

FLINK_HOME=/opt/flink
conf="$FLINK_HOME/conf"
classpath="$FLINK_HOME/lib/*"

case "${1:-}" in
    jobmanager) role=jobmanager; main=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint; resources=GET_JM_RESOURCE_PARAMS ;;
    taskmanager) role=taskmanager; main=org.apache.flink.runtime.taskexecutor.TaskManagerRunner; resources=GET_TM_RESOURCE_PARAMS ;;
    *) exec "$@" ;;
esac

cp "$FLINK_HOME/conf-default/config.yaml" "$conf/config.yaml"
if [ -n "${FLINK_PROPERTIES:-}" ]; then
    # A key given in FLINK_PROPERTIES replaces the default (YAML does not allow a key twice).
    while IFS= read -r line; do
        key=${line%%:*}
        if [ -n "$key" ] && [ "$key" != "$line" ]; then
            awk -v prefix="$key:" 'index($0, prefix) != 1' "$conf/config.yaml" > "$conf/config.yaml.new"
            mv "$conf/config.yaml.new" "$conf/config.yaml"
        fi
    done <<< "$FLINK_PROPERTIES"
    echo "$FLINK_PROPERTIES" >> "$conf/config.yaml"
fi
if ! grep -q '^jobmanager.rpc.address:' "$conf/config.yaml"; then
    echo "jobmanager.rpc.address: $(hostname)" >> "$conf/config.yaml"
fi

# As bin/jobmanager.sh and bin/taskmanager.sh do: Flink's BashJavaUtils derives the JVM memory
# flags (first result line) and the memory settings (second line) from the configured process size.
results=$(java -cp "$classpath" org.apache.flink.runtime.util.bash.BashJavaUtils "$resources" --configDir "$conf" 2>&1 \
    | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p')
jvm_params=$(echo "$results" | sed -n 1p)
dynamic_configs=$(echo "$results" | sed -n 2p)
if [ -z "$jvm_params" ]; then
    echo "Could not derive the memory settings from $conf/config.yaml:" >&2
    java -cp "$classpath" org.apache.flink.runtime.util.bash.BashJavaUtils "$resources" --configDir "$conf" >&2 || true
    exit 1
fi

# The JVM flags Flink needs on Java 17 and the configured JVM options (shared with bin/flink).
# shellcheck source=java17-opens.sh
source "$FLINK_HOME/bin/java17-opens.sh"
configured_opts=$(java_opts "$conf/config.yaml" "$role")

# shellcheck disable=SC2086
exec java $jvm_params $java17_opens $configured_opts -Dlog4j.configurationFile="$conf/log4j-console.properties" \
    -cp "$classpath" "$main" --configDir "$conf" $dynamic_configs
