/* migparted.c -- mig-parted configuration files through libyaml's document
 * API (see migparted.h). */
#include "scenarios/migparted.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "scenarios/textfile.h"

#define MAX_BYTES (1L << 20)   /* a mig-parted file is a few kB */

typedef struct {
    yaml_document_t *doc;
    const char      *file;
    char            *msg;
    size_t           len;
} ctx;

/* "FILE:LINE:COLUMN: " where node n starts, then the message; -1. */
__attribute__((format(printf, 3, 4)))
static int fail(ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
    va_list ap;
    int k = snprintf(c->msg, c->len, "%s:%lu:%lu: ", c->file, n ? (unsigned long)n->start_mark.line + 1 : 1UL,
                     n ? (unsigned long)n->start_mark.column + 1 : 1UL);
    va_start(ap, fmt);
    if (k >= 0 && (size_t)k < c->len)
        vsnprintf(c->msg + k, c->len - (size_t)k, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The value of key in mapping m, or NULL. */
static yaml_node_t *lookup(ctx *c, const yaml_node_t *m, const char *key)
{
    if (!m || m->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *k = scalar(yaml_document_get_node(c->doc, p->key));
        if (k && strcmp(k, key) == 0)
            return yaml_document_get_node(c->doc, p->value);
    }
    return NULL;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long x = s ? strtol(s, &end, 10) : 0;
    if (!s || !*s || *end || errno || x < lo || x > hi)
        return -1;
    *out = x;
    return 0;
}

/* 1 when the entry's devices ("all", a list of indices, or one index)
 * include device, 0 when not, -1 on a malformed value. */
static int has_device(ctx *c, const yaml_node_t *devs, int device)
{
    const char *s = scalar(devs);
    long d;
    if (s && strcmp(s, "all") == 0)
        return 1;
    if (s)
        return parse_int(s, 0, 1023, &d) == 0 ? d == device
                                             : fail(c, devs, "devices: value \"%s\" is not allowed; allowed: "
                                                    "all, a device index or a list of them", s);
    if (!devs || devs->type != YAML_SEQUENCE_NODE)
        return fail(c, devs, "devices: missing or not a list; allowed: all or a list of device indices");
    for (yaml_node_item_t *i = devs->data.sequence.items.start; i < devs->data.sequence.items.top; i++) {
        yaml_node_t *n = yaml_document_get_node(c->doc, *i);
        if (parse_int(scalar(n), 0, 1023, &d) < 0)
            return fail(c, n, "devices: item \"%s\" is not a device index", scalar(n) ? scalar(n) : "(not text)");
        if (d == device)
            return 1;
    }
    return 0;
}

static int read_layout(ctx *c, const yaml_node_t *entry, migparted_layout *out)
{
    const yaml_node_t *en = lookup(c, entry, "mig-enabled");
    const char *e = scalar(en);
    if (!e || (strcmp(e, "true") != 0 && strcmp(e, "false") != 0))
        return fail(c, en ? en : entry, "mig-enabled: %s; allowed: true, false", e ? e : "missing");
    out->enabled = strcmp(e, "true") == 0;
    const yaml_node_t *m = lookup(c, entry, "mig-devices");
    if (!out->enabled)
        return 0;
    if (!m || m->type != YAML_MAPPING_NODE || m->data.mapping.pairs.top == m->data.mapping.pairs.start)
        return fail(c, m ? m : entry, "mig-devices: missing or empty; allowed: a map of MIG profile to count, "
                    "e.g. {\"1g.10gb\": 7}");
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(c->doc, p->key), *vn = yaml_document_get_node(c->doc, p->value);
        const char *k = scalar(kn);
        long count;
        if (!k || strlen(k) >= MIGPARTED_NAME)
            return fail(c, kn, "mig-devices: key \"%s\" is not a MIG profile name", k ? k : "(not text)");
        if (parse_int(scalar(vn), 0, 7, &count) < 0)
            return fail(c, vn, "mig-devices.%s: count \"%s\" is not allowed; allowed: an integer 0 to 7", k,
                        scalar(vn) ? scalar(vn) : "(not text)");
        if (count == 0)
            continue;
        if (out->ndev == MIGPARTED_MAX)
            return fail(c, kn, "mig-devices: more than 16 profiles");
        migparted_entry *d = &out->dev[out->ndev++];
        snprintf(d->name, sizeof d->name, "%s", k);
        d->count = (int)count;
        d->line = (int)kn->start_mark.line + 1;
        d->column = (int)kn->start_mark.column + 1;
    }
    return 0;
}

static int find_config(ctx *c, const char *config, int device, migparted_layout *out)
{
    yaml_node_t *root = yaml_document_get_root_node(c->doc);
    const yaml_node_t *cfgs = lookup(c, root, "mig-configs");
    const char *ver = scalar(lookup(c, root, "version"));
    if (!root || root->type != YAML_MAPPING_NODE)
        return fail(c, root, "not a mig-parted configuration (a map with version and mig-configs)");
    if (ver && strcmp(ver, "v1") != 0)
        return fail(c, lookup(c, root, "version"), "version \"%s\" is not allowed; allowed: v1", ver);
    if (!cfgs || cfgs->type != YAML_MAPPING_NODE)
        return fail(c, root, "mig-configs: missing or not a map of configuration names");
    char names[512] = "";
    for (yaml_node_pair_t *p = cfgs->data.mapping.pairs.start; p < cfgs->data.mapping.pairs.top; p++) {
        const char *k = scalar(yaml_document_get_node(c->doc, p->key));
        if (!k)
            continue;
        if (strcmp(k, config) != 0) {
            size_t used = strlen(names);
            snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "", k);
            continue;
        }
        yaml_node_t *list = yaml_document_get_node(c->doc, p->value);
        if (!list || list->type != YAML_SEQUENCE_NODE)
            return fail(c, list, "mig-configs.%s: not a list of {devices, mig-enabled, mig-devices}", config);
        for (yaml_node_item_t *i = list->data.sequence.items.start; i < list->data.sequence.items.top; i++) {
            yaml_node_t *entry = yaml_document_get_node(c->doc, *i);
            int h = has_device(c, lookup(c, entry, "devices"), device);
            if (h < 0)
                return -1;
            if (h)
                return read_layout(c, entry, out);
        }
        return fail(c, list, "mig-configs.%s: no entry covers device %d", config, device);
    }
    return fail(c, cfgs, "mig-configs: no configuration \"%s\"; the file has: %s", config, names);
}

int migparted_load(const char *file, const char *config, int device, migparted_layout *out,
                   char *msg, size_t len)
{
    memset(out, 0, sizeof *out);
    char *text = textfile_read(file, MAX_BYTES, msg, len);
    if (!text)
        return -1;
    yaml_parser_t parser;
    yaml_document_t doc;
    int rc = -1;
    if (!yaml_parser_initialize(&parser)) {
        free(text);
        snprintf(msg, len, "%s: out of memory", file);
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    if (!yaml_parser_load(&parser, &doc)) {
        snprintf(msg, len, "%s:%lu:%lu: not YAML: %s", file, (unsigned long)parser.problem_mark.line + 1,
                 (unsigned long)parser.problem_mark.column + 1, parser.problem ? parser.problem : "malformed");
    } else {
        ctx c = { &doc, file, msg, len };
        rc = find_config(&c, config, device, out);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    free(text);
    return rc;
}
