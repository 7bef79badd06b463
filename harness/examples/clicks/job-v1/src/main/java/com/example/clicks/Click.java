package com.example.clicks;

/** One click, as producers write it to the clicks topic: {"id", "user", "page", "ts"} (epoch ms). A POJO: its state evolves. */
public class Click {
    public long id;
    public String user;
    public String page;
    public long ts;

    public Click() {}

    public Click(long id, String user, String page, long ts) {
        this.id = id;
        this.user = user;
        this.page = page;
        this.ts = ts;
    }
}
