/* hfconfig.c -- Hugging Face config.json into an llm_model (hfconfig.h). */
#include "scenarios/hfconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenarios/textfile.h"

#define MAX_CONFIG_BYTES (4L << 20)
#define BIG 100000000L

/* An integer key that may be JSON null (then def). */
static long int_or_null(jv *v, const cJSON *o, const char *key, long def, long lo)
{
    long x = def;
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, key);
    if (c && cJSON_IsNull(c))
        return def;
    jv_int(v, o, "", key, 0, def, lo, BIG, &x);
    return x;
}

static int first_present(const cJSON *o, const char *const keys[])
{
    for (int i = 0; keys[i]; i++)
        if (cJSON_GetObjectItemCaseSensitive(o, keys[i]))
            return i;
    return -1;
}

int hfcfg_from_json(jv *v, const cJSON *root, llm_model *m)
{
    static const char *const EXPERT_KEYS[] = { "num_local_experts", "num_experts", "n_routed_experts", NULL };
    const cJSON *o = root;
    long layers = 0, d = 0, heads = 0, kv = 0, hd = 0, ffn = 0, vocab = 0, maxlen = 0;
    if (!cJSON_IsObject(root))
        return jv_fail(v, "", "a config.json is a JSON object");
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(root, "text_config");
    if (text && cJSON_IsObject(text))
        o = text;
    jv_int(v, o, "", "num_hidden_layers", 1, 0, 1, 100000, &layers);
    jv_int(v, o, "", "hidden_size", 1, 0, 1, BIG, &d);
    jv_int(v, o, "", "num_attention_heads", 1, 0, 1, 100000, &heads);
    if (v->failed)
        return -1;
    kv = int_or_null(v, o, "num_key_value_heads", heads, 1);
    hd = int_or_null(v, o, "head_dim", d / heads, 1);
    jv_int(v, o, "", "intermediate_size", 1, 0, 1, BIG, &ffn);
    jv_int(v, o, "", "vocab_size", 1, 0, 1, BIG, &vocab);
    maxlen = int_or_null(v, o, "max_position_embeddings", 4096, 1);
    jv_bool(v, o, "", "tie_word_embeddings", 0, &m->tied_embeddings);
    if (v->failed)
        return -1;
    if (kv > heads || heads % kv != 0)
        return jv_fail(v, "num_key_value_heads", "value %ld is not allowed with %ld attention heads; allowed: "
                       "a divisor of num_attention_heads", kv, heads);
    int ek = first_present(o, EXPERT_KEYS);
    long experts = 0, k = 0, moe_ffn = ffn, shared = 0, dense = 0, step = 1;
    if (ek >= 0)
        experts = int_or_null(v, o, EXPERT_KEYS[ek], 0, 0);
    if (experts > 0) {
        jv_int(v, o, "", "num_experts_per_tok", 1, 0, 1, experts, &k);
        moe_ffn = int_or_null(v, o, "moe_intermediate_size", ffn, 1);
        shared = int_or_null(v, o, "n_shared_experts", 0, 0);
        dense = int_or_null(v, o, "first_k_dense_replace", 0, 0);
        step = int_or_null(v, o, "decoder_sparse_step", 1, 1);
        const cJSON *only = cJSON_GetObjectItemCaseSensitive(o, "mlp_only_layers");
        if (v->failed)
            return -1;
        if (step != 1)
            return jv_fail(v, "decoder_sparse_step", "value %ld is not allowed; allowed: 1 (every layer "
                           "after first_k_dense_replace is a MoE layer)", step);
        if (only && cJSON_IsArray(only) && cJSON_GetArraySize(only) > 0)
            return jv_fail(v, "mlp_only_layers", "a non-empty list is not allowed; allowed: [] (use "
                           "first_k_dense_replace for leading dense layers)");
        if (dense > layers)
            return jv_fail(v, "first_k_dense_replace", "value %ld is above num_hidden_layers (%ld)", dense, layers);
    }
    long kv_lora = int_or_null(v, o, "kv_lora_rank", 0, 0), q_lora = 0, rope = 0, vhd = 0;
    if (kv_lora > 0) {
        q_lora = int_or_null(v, o, "q_lora_rank", 0, 0);
        jv_int(v, o, "", "qk_nope_head_dim", 1, 0, 1, 100000, &hd);
        jv_int(v, o, "", "qk_rope_head_dim", 1, 0, 0, 100000, &rope);
        jv_int(v, o, "", "v_head_dim", 1, 0, 1, 100000, &vhd);
    }
    if (v->failed)
        return -1;
    m->layers = (int)layers;
    m->d_model = (int)d;
    m->heads = (int)heads;
    m->kv_heads = (int)kv;
    m->head_dim = (int)hd;
    m->ffn = (int)ffn;
    m->vocab = (int)vocab;
    m->params = 0;
    m->max_len = (int)(maxlen > 100000000 ? 100000000 : maxlen);
    m->experts = (int)experts;
    m->experts_per_tok = (int)k;
    m->moe_ffn = experts > 0 ? (int)moe_ffn : 0;
    m->shared_experts = (int)shared;
    m->dense_layers = (int)dense;
    m->q_lora = (int)q_lora;
    m->kv_lora = (int)kv_lora;
    m->rope_dim = (int)rope;
    m->v_head_dim = (int)vhd;
    return 0;
}

int hfcfg_load(const char *file, llm_model *m, char *err, size_t errlen)
{
    char *text = textfile_read(file, MAX_CONFIG_BYTES, err, errlen);
    if (!text)
        return -1;
    cJSON *root = jv_parse(text, file, err, errlen);
    free(text);
    if (!root)
        return -1;
    jv v;
    jv_init(&v, file);
    int rc = hfcfg_from_json(&v, root, m);
    cJSON_Delete(root);
    if (rc < 0)
        snprintf(err, errlen, "%s", v.msg);
    return rc;
}
