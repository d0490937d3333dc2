/* hfconfig.h -- an LLM architecture from a Hugging Face config.json
 * (docs/workloads.md#models-users-bring), so that a new model needs no C.
 *
 * Read keys (others, such as rope_scaling or quantization_config, are
 * ignored: they do not change the shapes the cost model uses); a
 * multimodal config's "text_config" object is read in place of the top:
 *   num_hidden_layers, hidden_size, num_attention_heads (required);
 *   num_key_value_heads (default: the attention heads), head_dim (default
 *   hidden_size / heads), intermediate_size, vocab_size (required),
 *   max_position_embeddings (default 4096), tie_word_embeddings (false);
 *   MoE: num_local_experts | num_experts | n_routed_experts, with
 *   num_experts_per_tok (required with experts), moe_intermediate_size
 *   (default intermediate_size: Mixtral, gpt-oss), n_shared_experts,
 *   first_k_dense_replace (dense layers before the MoE ones);
 *   decoder_sparse_step other than 1 or a non-empty mlp_only_layers are
 *   refused (no model in the presets uses them);
 *   MLA: kv_lora_rank with q_lora_rank (null = no q compression),
 *   qk_nope_head_dim, qk_rope_head_dim, v_head_dim.
 * Parameters are counted from the shapes (llm_model_params). */
#ifndef SCENARIOS_HFCONFIG_H
#define SCENARIOS_HFCONFIG_H

#include <cJSON.h>
#include <stddef.h>
#include "models/llm.h"
#include "scenarios/jv.h"

/* hfcfg_from_json: root (a parsed config.json) into m; name and source are
 * set by the caller. 0, or -1 with v failed (one message naming the file,
 * the key, the value and what is allowed). */
int hfcfg_from_json(jv *v, const cJSON *root, llm_model *m);

/* hfcfg_load: read and parse file into m (m->name, m->source untouched).
 * 0, or -1 with one message in err. */
int hfcfg_load(const char *file, llm_model *m, char *err, size_t errlen);

#endif
