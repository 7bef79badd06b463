package org.apache.flink.util;

import java.util.Map;

/**
 * The one difference between job-v1's sources on Flink 2.x and on Flink 1.20. Flink 2.0 moved
 * {@code ParameterTool} from {@code org.apache.flink.api.java.utils} (the flink-java module, which
 * 2.0 removed with the DataSet API) to {@code org.apache.flink.util}; 1.20 has only the old one.
 * The job's sources name the new one, so that they stay as they are on 2.x; this build for 1.20
 * adds the new name, delegating to the old class, with the two methods the job uses.
 */
public final class ParameterTool {

    private final org.apache.flink.api.java.utils.ParameterTool delegate;

    private ParameterTool(org.apache.flink.api.java.utils.ParameterTool delegate) {
        this.delegate = delegate;
    }

    public static ParameterTool fromArgs(String[] args) {
        return new ParameterTool(org.apache.flink.api.java.utils.ParameterTool.fromArgs(args));
    }

    public Map<String, String> toMap() {
        return delegate.toMap();
    }

    public String get(String key, String defaultValue) {
        return delegate.get(key, defaultValue);
    }
}
