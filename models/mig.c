/* mig.c -- MIG profile tables and layout placement (see mig.h).
 *
 * Tables: NVIDIA MIG user guide, profile and placement tables, SM counts
 * from `nvidia-smi mig -lgip` captures (reference FACTS §2) [F]. Placements
 * on the memory-slot axis are the same on A100, H100 and H200: 1g {0..6}:1,
 * 1g with double memory {0,2,4,6}:2, 2g {0,2,4}:2, 3g {0,4}:4, 4g {0}:4,
 * 7g {0}:8; A30 has 4 slots: 1g {0..3}, 2g {0,2}, 4g {0}. Profile IDs of
 * the A100-80GB, H100 PCIe, H200 and A30 rows are not in the reference and
 * take the A100-40GB / H100 IDs of the same shape [I]; H200 and A30 memory
 * sizes marked there as approximate are used as given.
 *
 * The "+me" rows are the media-extension profiles: the same slices, SMs and
 * memory as the plain profile of that size, plus the GPU's one set of media
 * engines (NVDEC, NVJPG, OFA), hence at most one such instance. nvidia-smi
 * lists them as "MIG 1g.5gb+me" (A100-40GB) and "MIG 1g.10gb+me" (A100-80GB,
 * H100), profile ID 20 (MIG user guide's profile tables) [F]; the H200's
 * (ID 20) and the A30's (1g.6gb+me 21, 2g.12gb+me 6) IDs follow nvidia-smi
 * -lgip listings and are not in the reference [I]. The simulator draws no
 * media work, so a +me instance computes as its plain twin. */
#include "models/mig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define S1 7, { 0, 1, 2, 3, 4, 5, 6 }
#define S1D 4, { 0, 2, 4, 6 }
#define S2 3, { 0, 2, 4 }
#define S3 2, { 0, 4 }
#define S4 1, { 0 }

static const mig_profile A100_40[] = {
    { "1g.5gb", 19, 1, 1, 14, 4.75, 1, 7, S1 },
    { "1g.10gb", 15, 1, 2, 14, 9.75, 1, 4, S1D },
    { "2g.10gb", 14, 2, 2, 28, 9.75, 2, 3, S2 },
    { "3g.20gb", 9, 3, 4, 42, 19.62, 3, 2, S3 },
    { "4g.20gb", 5, 4, 4, 56, 19.62, 4, 1, S4 },
    { "7g.40gb", 0, 7, 8, 98, 39.38, 7, 1, S4 },
    { "1g.5gb+me", 20, 1, 1, 14, 4.75, 1, 1, S1 },
};
static const mig_profile A100_80[] = {
    { "1g.10gb", 19, 1, 1, 14, 9.5, 1, 7, S1 },
    { "1g.20gb", 15, 1, 2, 14, 19.5, 1, 4, S1D },
    { "2g.20gb", 14, 2, 2, 28, 19.5, 2, 3, S2 },
    { "3g.40gb", 9, 3, 4, 42, 39.25, 3, 2, S3 },
    { "4g.40gb", 5, 4, 4, 56, 39.25, 4, 1, S4 },
    { "7g.80gb", 0, 7, 8, 98, 79.0, 7, 1, S4 },
    { "1g.10gb+me", 20, 1, 1, 14, 9.5, 1, 1, S1 },
};
static const mig_profile H100_SXM[] = {
    { "1g.10gb", 19, 1, 1, 16, 9.75, 1, 7, S1 },
    { "1g.20gb", 15, 1, 2, 16, 19.62, 1, 4, S1D },
    { "2g.20gb", 14, 2, 2, 32, 19.62, 2, 3, S2 },
    { "3g.40gb", 9, 3, 4, 60, 39.50, 3, 2, S3 },
    { "4g.40gb", 5, 4, 4, 64, 39.50, 4, 1, S4 },
    { "7g.80gb", 0, 7, 8, 132, 79.25, 8, 1, S4 },
    { "1g.10gb+me", 20, 1, 1, 16, 9.75, 1, 1, S1 },
};
static const mig_profile H100_PCIE[] = {
    { "1g.10gb", 19, 1, 1, 14, 9.75, 1, 7, S1 },
    { "1g.20gb", 15, 1, 2, 14, 19.62, 1, 4, S1D },
    { "2g.20gb", 14, 2, 2, 30, 19.62, 2, 3, S2 },
    { "3g.40gb", 9, 3, 4, 46, 39.50, 3, 2, S3 },
    { "4g.40gb", 5, 4, 4, 62, 39.50, 4, 1, S4 },
    { "7g.80gb", 0, 7, 8, 114, 79.25, 8, 1, S4 },
    { "1g.10gb+me", 20, 1, 1, 14, 9.75, 1, 1, S1 },
};
static const mig_profile H200[] = {
    { "1g.18gb", 19, 1, 1, 16, 16.0, 1, 7, S1 },
    { "1g.35gb", 15, 1, 2, 16, 34.0, 1, 4, S1D },
    { "2g.35gb", 14, 2, 2, 32, 32.5, 2, 3, S2 },
    { "3g.71gb", 9, 3, 4, 60, 69.8, 3, 2, S3 },
    { "4g.71gb", 5, 4, 4, 64, 71.0, 4, 1, S4 },
    { "7g.141gb", 0, 7, 8, 132, 140.0, 8, 1, S4 },
    { "1g.18gb+me", 20, 1, 1, 16, 16.0, 1, 1, S1 },
};
static const mig_profile A30[] = {
    { "1g.6gb", 14, 1, 1, 14, 5.8, 1, 4, 4, { 0, 1, 2, 3 } },
    { "2g.12gb", 5, 2, 2, 28, 11.8, 2, 2, 2, { 0, 2 } },
    { "4g.24gb", 0, 4, 4, 56, 23.6, 4, 1, 1, { 0 } },
    { "1g.6gb+me", 21, 1, 1, 14, 5.8, 1, 1, 4, { 0, 1, 2, 3 } },
    { "2g.12gb+me", 6, 2, 2, 28, 11.8, 2, 1, 2, { 0, 2 } },
};

/* 2026 GPUs: reference presets/gpus_2026.csv. Profile names, instance
 * counts, memory and SM fractions and copy engines: the MIG user guide v580
 * (B200, H100 94GB, H200 141GB, RTX PRO 6000 tables) or NVIDIA's MIG manager
 * configuration (mig-parted: B300, GB200, H20, H200 NVL) [F]. Per-profile
 * SMs and GiB from `nvidia-smi mig -lgip` captures where one exists (B200 1g
 * 18 SMs / 22.0 GiB, 1g.45gb 30 / 44.25, 2g 36 / 44.25; GB200 1g 18 / 22.0,
 * 1g.47gb 32 / 45.5, 2g 38 / 45.5; RTX PRO 6000 1g 46 SMs / 23.12 GiB, ID 14)
 * [F]; the rest [I]: larger profiles' SMs follow the H100 SXM ratios to its
 * 1g (3g 3.75x, 4g 4x, 7g all SMs), GiB the memory fraction of the usable
 * capacity the 1g capture implies, IDs those of the same shape on H100
 * (19, 20, 15, 14, 9, 5, 0). H100 NVL takes the H100 94GB table with the
 * H100 SXM's SM counts; H200 NVL the H200's table (mig-parted groups the two
 * device IDs); H20 the H100 96GB names with SMs scaled to its 78 [I]. */
static const mig_profile B200[] = {
    { "1g.23gb", 19, 1, 1, 18, 22.0, 2, 7, S1 },
    { "1g.45gb", 15, 1, 2, 30, 44.25, 2, 4, S1D },
    { "2g.45gb", 14, 2, 2, 36, 44.25, 3, 3, S2 },
    { "3g.90gb", 9, 3, 4, 66, 88.5, 6, 2, S3 },
    { "4g.90gb", 5, 4, 4, 72, 88.5, 8, 1, S4 },
    { "7g.180gb", 0, 7, 8, 148, 177.0, 16, 1, S4 },
    { "1g.23gb+me", 20, 1, 1, 18, 22.0, 2, 1, S1 },
};
static const mig_profile GB200[] = {
    { "1g.23gb", 19, 1, 1, 18, 22.0, 2, 7, S1 },
    { "1g.47gb", 15, 1, 2, 32, 45.5, 2, 4, S1D },
    { "2g.47gb", 14, 2, 2, 38, 45.5, 3, 3, S2 },
    { "3g.93gb", 9, 3, 4, 68, 91.0, 6, 2, S3 },
    { "4g.93gb", 5, 4, 4, 76, 91.0, 8, 1, S4 },
    { "7g.186gb", 0, 7, 8, 148, 182.0, 16, 1, S4 },
    { "1g.23gb+me", 20, 1, 1, 18, 22.0, 2, 1, S1 },
};
/* GB300: mig-parted's GB300 names and counts [F]; SMs as GB200's capture,
 * GiB the GB200 ratios to the name's GB (about 0.98) [I]. */
static const mig_profile GB300[] = {
    { "1g.35gb", 19, 1, 1, 18, 34.0, 2, 7, S1 },
    { "1g.70gb", 15, 1, 2, 32, 68.0, 2, 4, S1D },
    { "2g.70gb", 14, 2, 2, 38, 68.0, 3, 3, S2 },
    { "3g.139gb", 9, 3, 4, 68, 136.0, 6, 2, S3 },
    { "4g.139gb", 5, 4, 4, 76, 136.0, 8, 1, S4 },
    { "7g.278gb", 0, 7, 8, 148, 272.0, 16, 1, S4 },
    { "1g.35gb+me", 20, 1, 1, 18, 34.0, 2, 1, S1 },
};
static const mig_profile B300[] = {
    { "1g.34gb", 19, 1, 1, 18, 33.0, 2, 7, S1 },
    { "1g.67gb", 15, 1, 2, 30, 66.0, 2, 4, S1D },
    { "2g.67gb", 14, 2, 2, 36, 66.0, 3, 3, S2 },
    { "3g.135gb", 9, 3, 4, 66, 132.0, 6, 2, S3 },
    { "4g.135gb", 5, 4, 4, 72, 132.0, 8, 1, S4 },
    { "7g.269gb", 0, 7, 8, 148, 264.0, 16, 1, S4 },
    { "1g.34gb+me", 20, 1, 1, 18, 33.0, 2, 1, S1 },
};
static const mig_profile H100_NVL[] = {
    { "1g.12gb", 19, 1, 1, 16, 11.0, 1, 7, S1 },
    { "1g.24gb", 15, 1, 2, 16, 22.0, 1, 4, S1D },
    { "2g.24gb", 14, 2, 2, 32, 22.0, 2, 3, S2 },
    { "3g.47gb", 9, 3, 4, 60, 44.0, 3, 2, S3 },
    { "4g.47gb", 5, 4, 4, 64, 44.0, 4, 1, S4 },
    { "7g.94gb", 0, 7, 8, 132, 88.0, 8, 1, S4 },
    { "1g.12gb+me", 20, 1, 1, 16, 11.0, 1, 1, S1 },
};
static const mig_profile H20[] = {
    { "1g.12gb", 19, 1, 1, 10, 11.0, 1, 7, S1 },
    { "1g.24gb", 15, 1, 2, 10, 22.5, 1, 4, S1D },
    { "2g.24gb", 14, 2, 2, 20, 22.5, 2, 3, S2 },
    { "3g.48gb", 9, 3, 4, 36, 45.0, 3, 2, S3 },
    { "4g.48gb", 5, 4, 4, 40, 45.0, 4, 1, S4 },
    { "7g.96gb", 0, 7, 8, 78, 90.0, 8, 1, S4 },
    { "1g.12gb+me", 20, 1, 1, 10, 11.0, 1, 1, S1 },
};
/* H20 141GB: no MIG table in the reference set; the die's H20 SM counts
 * with H200 141GB's names and GiB [I]. */
static const mig_profile H20_141[] = {
    { "1g.18gb", 19, 1, 1, 10, 16.0, 1, 7, S1 },
    { "1g.35gb", 15, 1, 2, 10, 34.0, 1, 4, S1D },
    { "2g.35gb", 14, 2, 2, 20, 32.5, 2, 3, S2 },
    { "3g.71gb", 9, 3, 4, 36, 69.8, 3, 2, S3 },
    { "4g.71gb", 5, 4, 4, 40, 71.0, 4, 1, S4 },
    { "7g.141gb", 0, 7, 8, 78, 140.0, 8, 1, S4 },
    { "1g.18gb+me", 20, 1, 1, 10, 16.0, 1, 1, S1 },
};
static const mig_profile RTX_PRO_6000[] = {
    { "1g.24gb", 14, 1, 1, 46, 23.12, 1, 4, 4, { 0, 1, 2, 3 } },
    { "2g.48gb", 5, 2, 2, 92, 46.25, 2, 2, 2, { 0, 2 } },
    { "4g.96gb", 0, 4, 4, 184, 92.5, 4, 1, 1, { 0 } },
    { "1g.24gb+me", 21, 1, 1, 46, 23.12, 1, 1, 4, { 0, 1, 2, 3 } },
};

#define T(gpu, slots, cs, tab, src) { gpu, slots, cs, tab, (int)(sizeof tab / sizeof tab[0]), src }
static const mig_table TABLES[] = {
    T("a100-sxm-40gb", 8, 7, A100_40, "NVIDIA MIG user guide, A100-40GB profiles [F]"),
    T("a100-sxm-80gb", 8, 7, A100_80, "NVIDIA MIG user guide, A100-80GB profiles [F]"),
    T("h100-sxm", 8, 7, H100_SXM, "NVIDIA MIG user guide, H100 SXM profiles [F]"),
    T("h100-pcie", 8, 7, H100_PCIE, "nvidia-smi mig -lgip, H100 PCIe [F]"),
    T("h200", 8, 7, H200, "NVIDIA MIG user guide, H200 profiles [F]"),
    T("a30", 4, 4, A30, "NVIDIA MIG user guide, A30 profiles [F]"),
    T("b200", 8, 7, B200, "MIG user guide v580 B200 table; nvidia-smi mig -lgip captures (gpu-operator#1242) [F]; 3g-7g SMs [I]"),
    T("b300", 8, 7, B300, "mig-parted B300 profiles [F]; SMs and GiB scaled from B200 [I]"),
    T("gb200", 8, 7, GB200, "mig-parted GB200 profiles; production GB200 mig -lgip (mig-parted#227) [F]; 3g-7g [I]"),
    T("gb300", 8, 7, GB300, "mig-parted GB300 profiles (device 0x31C2) [F]; SMs as GB200's capture, GiB scaled [I]"),
    T("h20", 8, 7, H20, "mig-parted H100-96GB/H20 group, MIG guide H100 96GB names [F]; SMs scaled to 78 [I]"),
    T("h20-141gb", 8, 7, H20_141, "no MIG table in the reference set: H20's SMs with H200 141GB's names [I]"),
    T("h100-nvl", 8, 7, H100_NVL, "MIG user guide v580 H100 94GB table [F]; SMs as H100 SXM [I]"),
    T("h200-nvl", 8, 7, H200, "MIG user guide v580 H200 141GB table; mig-parted groups H200 NVL with H200 [F]"),
    T("rtx-pro-6000", 4, 4, RTX_PRO_6000, "MIG user guide (RTX PRO 6000 Server Edition table); mig -lgip (cubecos#312) [F]; 2g, 4g [I]"),
};
#undef T

const mig_table *mig_table_find(const char *gpu)
{
    for (size_t i = 0; i < sizeof TABLES / sizeof TABLES[0]; i++)
        if (strcmp(TABLES[i].gpu, gpu) == 0)
            return &TABLES[i];
    return NULL;
}

const mig_profile *mig_profile_find(const mig_table *t, const char *name)
{
    if (strncasecmp(name, "MIG", 3) == 0 && (name[3] == ' ' || name[3] == '-'))
        name += 4;
    while (*name == ' ')
        name++;
    size_t digits = strspn(name, "0123456789");
    if (digits > 0 && digits <= 3 && name[digits] == '\0') {
        int id = atoi(name);
        for (int i = 0; i < t->nprofiles; i++)
            if (t->profiles[i].id == id)
                return &t->profiles[i];
        return NULL;
    }
    for (int i = 0; i < t->nprofiles; i++)
        if (strcasecmp(t->profiles[i].name, name) == 0)
            return &t->profiles[i];
    return NULL;
}

const char *mig_profile_list(const mig_table *t, char *buf, size_t len)
{
    buf[0] = '\0';
    for (int i = 0; i < t->nprofiles; i++) {
        strncat(buf, t->profiles[i].name, len - strlen(buf) - 1);
        if (i + 1 < t->nprofiles)
            strncat(buf, ", ", len - strlen(buf) - 1);
    }
    return buf;
}

/* What the instances placed so far use. */
typedef struct {
    int used[8];      /* memory slot -> instance index + 1, 0 = free */
    int compute;      /* compute slices taken */
    int count[16];    /* per profile (index in the table) */
} occupancy;

static int profile_index(const mig_table *t, const mig_profile *p)
{
    return (int)(p - t->profiles);
}

static int range_free(const occupancy *o, int start, int size)
{
    for (int s = start; s < start + size; s++)
        if (o->used[s])
            return 0;
    return 1;
}

/* Marks the size memory slots from start as held by owner (instance index
 * + 1), or as free with owner 0. */
static void occupy(occupancy *o, int start, int size, int owner)
{
    for (int s = start; s < start + size; s++)
        o->used[s] = owner;
}

static int allowed_start(const mig_profile *p, int start)
{
    for (int k = 0; k < p->nstarts; k++)
        if (p->starts[k] == start)
            return 1;
    return 0;
}

static int first_free_start(const occupancy *o, const mig_profile *p)
{
    for (int k = 0; k < p->nstarts; k++)
        if (range_free(o, p->starts[k], p->mem_slices))
            return p->starts[k];
    return -1;
}

/* "what would fit": every profile@start placeable beside o. */
static void what_fits(const mig_table *t, const occupancy *o, char *buf, size_t len)
{
    buf[0] = '\0';
    for (int i = 0; i < t->nprofiles; i++) {
        const mig_profile *p = &t->profiles[i];
        if (o->count[i] >= p->max_count || o->compute + p->compute_slices > t->compute_slices)
            continue;
        char one[48];
        int any = 0;
        for (int k = 0; k < p->nstarts; k++) {
            if (!range_free(o, p->starts[k], p->mem_slices))
                continue;
            if (any)
                snprintf(one, sizeof one, "|%d", p->starts[k]);
            else
                snprintf(one, sizeof one, "%s%s@%d", *buf ? ", " : "", p->name, p->starts[k]);
            strncat(buf, one, len - strlen(buf) - 1);
            any = 1;
        }
    }
    if (!*buf)
        snprintf(buf, len, "nothing (the GPU is full)");
}

static void starts_text(const mig_profile *p, char *buf, size_t len)
{
    buf[0] = '\0';
    for (int k = 0; k < p->nstarts; k++) {
        char one[16];
        snprintf(one, sizeof one, "%s%d", k ? ", " : "", p->starts[k]);
        strncat(buf, one, len - strlen(buf) - 1);
    }
}

static int refuse(const mig_table *t, const occupancy *o, int i, int *bad,
                  char *msg, size_t len, const char *why)
{
    char fits[384];
    what_fits(t, o, fits, sizeof fits);
    *bad = i;
    snprintf(msg, len, "%s; beside the instances before it, what fits is: %s", why, fits);
    return -1;
}

/* Depth-first over the instances without a start, in their order, each at
 * every allowed start that is free: the first branch is the first-fit of
 * the listed order, so a layout first-fit places keeps its placement. At
 * most 7 instances of at most 8 starts: a few thousand steps at worst. */
static int search(const mig_table *t, mig_instance *inst, const int *fixed, int n, int i, occupancy *o)
{
    while (i < n && fixed[i])
        i++;
    if (i == n)
        return 1;
    const mig_profile *p = inst[i].prof;
    for (int k = 0; k < p->nstarts; k++) {
        int st = p->starts[k];
        if (!range_free(o, st, p->mem_slices))
            continue;
        occupy(o, st, p->mem_slices, i + 1);
        inst[i].start = st;
        if (search(t, inst, fixed, n, i + 1, o))
            return 1;
        occupy(o, st, p->mem_slices, 0);
        inst[i].start = -1;
    }
    return 0;
}

/* A placement of every instance in some order: the counts and compute
 * slices (which do not depend on the order), the given starts, then the
 * search. 1 with every start set, 0 when there is none. */
static int place_any_order(const mig_table *t, mig_instance *inst, int n)
{
    occupancy o;
    int fixed[MIG_MAX_INSTANCES];
    memset(&o, 0, sizeof o);
    for (int i = 0; i < n; i++) {
        const mig_profile *p = inst[i].prof;
        int pi = profile_index(t, p);
        o.compute += p->compute_slices;
        if (++o.count[pi] > p->max_count || o.compute > t->compute_slices)
            return 0;
        fixed[i] = inst[i].start >= 0;
        if (fixed[i] && (!allowed_start(p, inst[i].start) || !range_free(&o, inst[i].start, p->mem_slices)))
            return 0;
        if (fixed[i])
            occupy(&o, inst[i].start, p->mem_slices, i + 1);
    }
    return search(t, inst, fixed, n, 0, &o);
}

int mig_place(const mig_table *t, mig_instance *inst, int n, int *bad, char *msg, size_t len)
{
    occupancy o;
    char why[256], st[64];
    memset(&o, 0, sizeof o);
    *bad = -1;
    if (n < 1 || n > MIG_MAX_INSTANCES) {
        snprintf(msg, len, "a layout has 1 to %d instances, not %d", MIG_MAX_INSTANCES, n);
        return -1;
    }
    if (place_any_order(t, inst, n))
        return 0;
    /* None exists: say why, walking the instances in their order. */
    for (int i = 0; i < n; i++) {
        const mig_profile *p = inst[i].prof;
        int pi = profile_index(t, p);
        if (o.count[pi] >= p->max_count) {
            snprintf(why, sizeof why, "%s may appear at most %d time%s on one %s", p->name,
                     p->max_count, p->max_count == 1 ? "" : "s", t->gpu);
            return refuse(t, &o, i, bad, msg, len, why);
        }
        if (o.compute + p->compute_slices > t->compute_slices) {
            snprintf(why, sizeof why, "%s needs %d compute slice%s but only %d of %d are left",
                     p->name, p->compute_slices, p->compute_slices == 1 ? "" : "s",
                     t->compute_slices - o.compute, t->compute_slices);
            return refuse(t, &o, i, bad, msg, len, why);
        }
        int start = inst[i].start;
        if (start >= 0 && !allowed_start(p, start)) {
            starts_text(p, st, sizeof st);
            snprintf(why, sizeof why, "%s cannot start at memory slot %d; its placements start at %s",
                     p->name, start, st);
            return refuse(t, &o, i, bad, msg, len, why);
        }
        if (start >= 0 && !range_free(&o, start, p->mem_slices)) {
            int other = 0;
            for (int s = start; s < start + p->mem_slices && !other; s++)
                other = o.used[s];
            snprintf(why, sizeof why, "%s@%d needs memory slots %d-%d, which overlap instance %d (%s@%d)",
                     p->name, start, start, start + p->mem_slices - 1, other - 1,
                     inst[other - 1].prof->name, inst[other - 1].start);
            return refuse(t, &o, i, bad, msg, len, why);
        }
        if (start < 0 && (start = first_free_start(&o, p)) < 0) {
            starts_text(p, st, sizeof st);
            snprintf(why, sizeof why, "%s has no free placement (it starts at %s and takes %d slot%s), "
                     "in this order or any other", p->name, st, p->mem_slices, p->mem_slices == 1 ? "" : "s");
            return refuse(t, &o, i, bad, msg, len, why);
        }
        inst[i].start = start;
        occupy(&o, start, p->mem_slices, i + 1);
        o.compute += p->compute_slices;
        o.count[pi]++;
    }
    return 0;
}

const mig_profile *mig_even_profile(const mig_table *t, int n)
{
    const mig_profile *best = NULL;
    for (int i = 0; i < t->nprofiles && n > 0; i++) {
        const mig_profile *p = &t->profiles[i];
        mig_instance in[MIG_MAX_INSTANCES];
        char msg[8];
        int bad;
        if (n > p->max_count || n > MIG_MAX_INSTANCES)
            continue;
        for (int k = 0; k < n; k++)
            in[k] = (mig_instance){ p, -1 };
        if (mig_place(t, in, n, &bad, msg, sizeof msg) < 0)
            continue;
        if (!best || p->compute_slices > best->compute_slices ||
            (p->compute_slices == best->compute_slices && p->mem_slices > best->mem_slices))
            best = p;
    }
    return best;
}

double mig_compute_frac(const mig_profile *p, const gpu_spec *spec)
{
    return (double)p->sms / spec->sms;
}

double mig_mem_frac(const mig_table *t, const mig_profile *p)
{
    return (double)p->mem_slices / t->slots;
}

double mig_mem_bytes(const mig_profile *p)
{
    return p->mem_gib * 1073741824.0;
}
