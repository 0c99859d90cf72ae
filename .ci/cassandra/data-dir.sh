# Sourced by start, stop and status: where the node keeps data, commitlog, conf, logs and pid.
# GUILDKIT_CASSANDRA_DATA wins; else tmpfs (/dev/shm) when it is there, because this machine's
# disk manages ~700 fsyncs/s and the node is for tests; else /var/tmp.
# The outage test (packages/storage-adapters/test/support/cassandra-outage.ts) applies the same rule.
if [ -n "${GUILDKIT_CASSANDRA_DATA:-}" ]; then
  data_dir=$GUILDKIT_CASSANDRA_DATA
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
  data_dir=/dev/shm/guildkit-cassandra
else
  data_dir=/var/tmp/guildkit-cassandra
fi
