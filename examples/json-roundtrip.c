/*
 * A first look at qvisit: one device's state described once as a walk,
 * saved to JSON, loaded back into a fresh state, and saved again.
 *
 *     build/examples/json-roundtrip
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qvisit/qvisit.h>

/* A cut-down i8254 PIT: three channels of counter state. */
typedef struct PITChannel {
    uint16_t count;
    uint8_t mode;
    bool gate;
    int64_t next_transition_time;
} PITChannel;

typedef struct PITState {
    uint32_t channel_count;
    PITChannel channels[3];
    uint8_t speaker_data_on;
} PITState;

static bool pit_channel_visit(Visitor *v, PITChannel *c, GError **errp)
{
    return visit_start_struct(v, NULL, errp) &&
           visit_type_u16(v, "count", &c->count, errp) &&
           visit_type_u8(v, "mode", &c->mode, errp) &&
           visit_type_bool(v, "gate", &c->gate, errp) &&
           visit_type_i64(v, "next_transition_time",
                          &c->next_transition_time, errp) &&
           visit_end_struct(v, errp);
}

static bool pit_visit(Visitor *v, PITState *s, GError **errp)
{
    if (!visit_start_struct(v, "pit", errp) ||
        !visit_start_array(v, "channels", 3, errp)) {
        return false;
    }
    for (int i = 0; i < 3; i++) {
        if (!pit_channel_visit(v, &s->channels[i], errp)) {
            return false;
        }
    }
    return visit_end_array(v, errp) &&
           visit_type_u8(v, "speaker_data_on", &s->speaker_data_on, errp) &&
           visit_end_struct(v, errp);
}

static GString *save_json(PITState *s, GError **errp)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(Visitor) v = json_output_visitor_new(out, true);

    if (!pit_visit(v, s, errp) || !visit_complete(v, errp)) {
        return NULL;
    }
    return g_steal_pointer(&out);
}

int main(void)
{
    PITState pit = {
        .channels = {
            { .count = 0xffff, .mode = 3, .gate = true,
              .next_transition_time = 1234567 },
            { .count = 18, .mode = 2, .gate = true },
            { .count = 0, .mode = 0, .gate = false,
              .next_transition_time = -1 },
        },
        .speaker_data_on = 1,
    };
    PITState loaded = { 0 };
    g_autoptr(GError) err = NULL;
    g_autoptr(GString) first = save_json(&pit, &err);
    g_autoptr(Visitor) in = NULL;
    g_autoptr(GString) second = NULL;

    if (!first) {
        fprintf(stderr, "save: %s\n", err->message);
        return 1;
    }
    printf("saved:\n%s\n", first->str);

    in = json_input_visitor_new(first->str, (gssize)first->len, &err);
    if (!in || !pit_visit(in, &loaded, &err) || !visit_complete(in, &err)) {
        fprintf(stderr, "load: %s\n", err->message);
        return 1;
    }
    second = save_json(&loaded, &err);
    printf("loaded back and saved again: %s\n",
           second && g_string_equal(first, second) ? "identical" : "DIFFERENT");

    /* Bad input gets an error that names the field. */
    g_clear_pointer(&in, visit_free);
    in = json_input_visitor_new("{\"channels\": [{\"count\": 70000}]}", -1,
                                &err);
    if (in && !pit_visit(in, &loaded, &err)) {
        printf("bad input: %s\n", err->message);
    }
    return second && g_string_equal(first, second) ? 0 : 1;
}
