package com.example.userevents;

import java.util.Objects;

/** The number of events of one user in one tumbling event-time window. */
public class WindowCount {

    public String userId;
    public long windowStart;
    public long windowEnd;
    public long eventCount;

    /** For Flink's POJO serializer. */
    public WindowCount() {}

    public WindowCount(String userId, long windowStart, long windowEnd, long eventCount) {
        this.userId = userId;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.eventCount = eventCount;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowCount w
                && Objects.equals(userId, w.userId)
                && windowStart == w.windowStart
                && windowEnd == w.windowEnd
                && eventCount == w.eventCount;
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, windowStart, windowEnd, eventCount);
    }

    @Override
    public String toString() {
        return "WindowCount{" + userId + " [" + windowStart + "," + windowEnd + ") = " + eventCount + "}";
    }
}
