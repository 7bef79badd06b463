# Sourced by the entrypoint and bin/flink: the JVM flags Flink needs on Java 17 (the list Flink's
# own distribution passes), and the JVM options the configuration asks for.
# shellcheck disable=SC2034
java17_opens="--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED \
--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

# java_opts FILE ROLE: what Flink's bin/config.sh passes to the JVM of ROLE (jobmanager, taskmanager,
# client) from its configuration file: env.java.opts.all, then env.java.opts.ROLE (flat keys, as
# FLINK_PROPERTIES writes them; surrounding double quotes removed).
java_opts() {
    local key value opts=""
    for key in env.java.opts.all "env.java.opts.$2"; do
        value=$(awk -v prefix="$key:" 'index($0, prefix) == 1 { v = substr($0, length(prefix) + 1) } END { print v }' "$1" \
            | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e 's/^"//' -e 's/"$//')
        opts="$opts $value"
    done
    echo "$opts"
}
