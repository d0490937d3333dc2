// microbench.cu -- the CUDA microbenchmarks of slicesim calibration
// (DESIGN §7, docs/calibration.md). One program, subcommands:
//
//   microbench all --out RAW.json [--budget-s N]
//       launch latency, HBM bandwidth by size (copy, triad), cuBLAS GEMM by
//       shape and precision (with the LLM layer shapes of reference FACTS §6),
//       host-device copies (pinned, pageable) and the time-slice probe; writes
//       the raw document ("format": "slicesim-calib-raw/1") that
//       `slicesim calibrate fit` reads.
//   microbench contention --procs N --out FILE [--load X] [--duration-s D]
//       [--warmup-s W] [--kind gemm --m M --n N --k K --prec P | --kind copy
//       --bytes B] [--kernels G]
//       N processes time-sliced on the GPU, each issuing bursts (G GEMMs, or G
//       copy kernels over B bytes) with Poisson arrivals at a rate that loads
//       the GPU to X; records each burst's arrival and end
//       ("format": "slicesim-contention/1", read by `slicesim calibrate predict`).
//   microbench throughput --procs N --out FILE [--duration-s D] [--warmup-s W]
//       [--sharing timeslice|mps] [burst options as contention, or --kind fma
//       --blocks B[,B2,...] --iters I]
//       N processes issuing bursts back to back (a closed loop, no think
//       time); process i's fma kernels have the i-th block count of the list
//       (one block per SM: each block holds more than half an SM's shared
//       memory). Counts the bursts each finishes inside [W, D]
//       ("format": "slicesim-throughput/1", read by `slicesim calibrate
//       throughput`). The loop runs it for 1 and N processes, time-sliced and
//       under MPS, for a large GEMM, a launch-bound small GEMM, a streaming
//       kernel and pairs of small and large fma kernels.
//
// Multi-process parts re-execute this program (/proc/self/exe) as workers, so
// that every worker gets a fresh CUDA context; workers start together at an
// agreed CLOCK_REALTIME instant and report through temporary files. GPU time
// stamps come from %globaltimer (ns). Not run on a GPU yet: see the docs.
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// The output being written; removed if the program stops before finishing it.
static char g_partial[4096];

static void remove_partial(void)
{
    if (g_partial[0])
        remove(g_partial);
}

#define CK(x) check_cuda((x), #x, __LINE__)
#define CB(x) check_cublas((x), #x, __LINE__)

static void check_cuda(cudaError_t e, const char *what, int line)
{
    if (e != cudaSuccess) {
        fprintf(stderr, "microbench: line %d: %s: %s\n", line, what, cudaGetErrorString(e));
        exit(1);
    }
}

static void check_cublas(cublasStatus_t s, const char *what, int line)
{
    if (s != CUBLAS_STATUS_SUCCESS) {
        fprintf(stderr, "microbench: line %d: %s: cuBLAS status %d\n", line, what, (int)s);
        exit(1);
    }
}

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

// Sleep until t (CLOCK_REALTIME ns), spinning over the last 0.1-0.2 ms so
// that the wake-up is precise.
static void sleep_until(int64_t t)
{
    for (int64_t d; (d = t - now_ns()) > 0;) {
        if (d > 200000) {
            int64_t s = d - 100000;
            struct timespec ts = { (time_t)(s / 1000000000LL), (long)(s % 1000000000LL) };
            nanosleep(&ts, NULL);
        }
    }
}

static const char *arg(int argc, char **argv, const char *name, const char *def)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return def;
}

// ---- kernels ----

__device__ __forceinline__ uint64_t globaltimer(void)
{
    uint64_t t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}

__global__ void k_empty(void) {}

__global__ void k_stamp(uint64_t *slot) { *slot = globaltimer(); }

__global__ void k_copy(float4 *dst, const float4 *src, size_t n)
{
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
        dst[i] = src[i];
}

__global__ void k_triad(float4 *a, const float4 *b, const float4 *c, float s, size_t n)
{
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) {
        float4 x = b[i], y = c[i];
        a[i] = make_float4(x.x + s * y.x, x.y + s * y.y, x.z + s * y.z, x.w + s * y.w);
    }
}

template <typename T> __global__ void k_fill(T *p, size_t n)
{
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
        p[i] = (T)((float)((i * 2654435761u >> 16) & 255u) / 256.0f - 0.5f);
}

// `iters` dependent FMAs per thread; one block per SM (the caller asks for
// more than half of an SM's shared memory), so `gridDim.x` SMs are busy.
__global__ void k_fma(float *out, int iters)
{
    extern __shared__ float pad[];
    float a = threadIdx.x * 1e-3f, b = 1.0001f, c = 1e-4f;
    for (int i = 0; i < iters; i++)
        a = fmaf(a, b, c);
    if (threadIdx.x == 0)
        pad[0] = a;
    __syncthreads();
    if (a == 12345.678f)
        out[blockIdx.x] = pad[0];
}

// Spin for dur ns; record each stretch of uninterrupted running [start, end]
// (a jump of the timer by more than thr ns means another context ran).
__global__ void k_probe(uint64_t *iv, int cap, int *count, uint64_t dur, uint64_t thr)
{
    uint64_t t0 = globaltimer(), prev = t0, seg = t0;
    int n = 0;
    for (;;) {
        uint64_t t = globaltimer();
        if (t - prev > thr) {
            if (n < cap) { iv[2 * n] = seg; iv[2 * n + 1] = prev; }
            n++;
            seg = t;
        }
        prev = t;
        if (t - t0 > dur)
            break;
    }
    if (n < cap) { iv[2 * n] = seg; iv[2 * n + 1] = prev; }
    *count = n + 1;
}

// ---- JSON output helpers ----

static void put_samples(FILE *f, const double *x, int n)
{
    fputc('[', f);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%.6g", i ? ", " : "", x[i]);
    fputc(']', f);
}

static void smi_field(const char *key, char *out, size_t len)
{
    char line[512];
    snprintf(out, len, "unknown");
    FILE *p = popen("nvidia-smi -q 2>/dev/null", "r");
    if (!p)
        return;
    while (fgets(line, sizeof line, p)) {
        char *k = strstr(line, key), *colon = strchr(line, ':');
        if (k && colon && k < colon) {
            char *v = colon + 1;
            while (*v == ' ')
                v++;
            v[strcspn(v, "\r\n")] = '\0';
            for (char *q = v; *q; q++)          // keep the JSON string valid
                if (*q == '"' || *q == '\\' || (unsigned char)*q < 0x20)
                    *q = ' ';
            snprintf(out, len, "%s", v);
            break;
        }
    }
    pclose(p);
}

static void put_device(FILE *f)
{
    cudaDeviceProp p;
    int dev = 0, clk = 0, mclk = 0, bus = 0, l2 = 0, rt = 0, drv = 0;
    char driver[128], virt[128], mode[128], host[256] = "unknown";
    CK(cudaGetDeviceProperties(&p, dev));
    cudaDeviceGetAttribute(&clk, cudaDevAttrClockRate, dev);
    cudaDeviceGetAttribute(&mclk, cudaDevAttrMemoryClockRate, dev);
    cudaDeviceGetAttribute(&bus, cudaDevAttrGlobalMemoryBusWidth, dev);
    cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, dev);
    cudaRuntimeGetVersion(&rt);
    cudaDriverGetVersion(&drv);
    smi_field("Driver Version", driver, sizeof driver);
    smi_field("Virtualization Mode", virt, sizeof virt);
    smi_field("Compute Mode", mode, sizeof mode);
    gethostname(host, sizeof host - 1);
    fprintf(f, " \"device\": {\"name\": \"%s\", \"driver\": \"%s\", \"cuda_runtime\": %d, \"cuda_driver\": %d,"
            " \"cc\": \"%d.%d\", \"sms\": %d, \"sm_clock_mhz\": %d, \"mem_clock_mhz\": %d, \"mem_bus_bits\": %d,"
            " \"mem_total_bytes\": %zu, \"l2_bytes\": %d, \"virtualization_mode\": \"%s\", \"compute_mode\": \"%s\","
            " \"hostname\": \"%s\"}",
            p.name, driver, rt, drv, p.major, p.minor, p.multiProcessorCount, clk / 1000, mclk / 1000, bus,
            p.totalGlobalMem, l2, virt, mode, host);
}

// ---- launch latency ----

static void bench_launch(FILE *f)
{
    enum { N = 50, BATCH = 1000 };
    double sync[N], b2b[N];
    k_empty<<<1, 1>>>();
    CK(cudaDeviceSynchronize());
    for (int i = 0; i < N; i++) {
        int64_t t0 = now_ns();
        k_empty<<<1, 1>>>();
        CK(cudaDeviceSynchronize());
        sync[i] = (double)(now_ns() - t0) / 1e3;
    }
    for (int i = 0; i < N; i++) {
        int64_t t0 = now_ns();
        for (int j = 0; j < BATCH; j++)
            k_empty<<<1, 1>>>();
        CK(cudaDeviceSynchronize());
        b2b[i] = (double)(now_ns() - t0) / 1e3 / BATCH;
    }
    fprintf(f, ",\n \"launch\": {\"batch\": %d, \"sync_us\": ", BATCH);
    put_samples(f, sync, N);
    fprintf(f, ", \"back_to_back_us\": ");
    put_samples(f, b2b, N);
    fputc('}', f);
}

// ---- HBM ----

static double event_us(cudaEvent_t a, cudaEvent_t b)
{
    float ms = 0;
    CK(cudaEventElapsedTime(&ms, a, b));
    return ms * 1e3;
}

static void bench_hbm(FILE *f, int64_t deadline)
{
    enum { REPS = 7 };
    const size_t max_buf = (size_t)2 << 30;
    float4 *a, *b, *c;
    cudaEvent_t e0, e1;
    int sms = 0, first = 1;
    cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0);
    CK(cudaMalloc(&a, max_buf));
    CK(cudaMalloc(&b, max_buf));
    CK(cudaMalloc(&c, max_buf));
    CK(cudaMemset(b, 0, max_buf));
    CK(cudaMemset(c, 0, max_buf));
    CK(cudaEventCreate(&e0));
    CK(cudaEventCreate(&e1));
    fprintf(f, ",\n \"hbm\": [");
    for (int kind = 0; kind < 2; kind++)
        for (size_t buf = (size_t)1 << 20; buf <= max_buf && now_ns() < deadline; buf *= 2) {
            size_t n = buf / sizeof(float4);
            double t[REPS];
            for (int r = -1; r < REPS; r++) {
                CK(cudaEventRecord(e0));
                if (kind == 0)
                    k_copy<<<sms * 8, 256>>>(a, b, n);
                else
                    k_triad<<<sms * 8, 256>>>(a, b, c, 3.0f, n);
                CK(cudaEventRecord(e1));
                CK(cudaEventSynchronize(e1));
                if (r >= 0)
                    t[r] = event_us(e0, e1);
            }
            fprintf(f, "%s\n  {\"kind\": \"%s\", \"bytes\": %zu, \"buffer_bytes\": %zu, \"time_us\": ",
                    first ? "" : ",", kind ? "triad" : "copy", (kind ? 3 : 2) * buf, buf);
            put_samples(f, t, REPS);
            fputc('}', f);
            first = 0;
        }
    fprintf(f, "]");
    cudaFree(a);
    cudaFree(b);
    cudaFree(c);
}

// ---- GEMM ----

typedef struct { const char *name; cudaDataType_t type; cublasComputeType_t compute; size_t elem; } prec_t;

static const prec_t PRECS[] = {
    { "bf16", CUDA_R_16BF, CUBLAS_COMPUTE_32F, 2 },
    { "fp16", CUDA_R_16F, CUBLAS_COMPUTE_32F, 2 },
    { "tf32", CUDA_R_32F, CUBLAS_COMPUTE_32F_FAST_TF32, 4 },
    { "fp32", CUDA_R_32F, CUBLAS_COMPUTE_32F, 4 },
};

static const prec_t *prec_find(const char *name)
{
    for (size_t i = 0; i < sizeof PRECS / sizeof PRECS[0]; i++)
        if (strcmp(PRECS[i].name, name) == 0)
            return &PRECS[i];
    return NULL;
}

static void fill(void *p, const prec_t *pr, size_t n)
{
    if (pr->type == CUDA_R_16BF)
        k_fill<__nv_bfloat16><<<1024, 256>>>((__nv_bfloat16 *)p, n);
    else if (pr->type == CUDA_R_16F)
        k_fill<__half><<<1024, 256>>>((__half *)p, n);
    else
        k_fill<float><<<1024, 256>>>((float *)p, n);
    CK(cudaGetLastError());
}

typedef struct { void *a, *b, *c; } gemm_bufs;

static void gemm_alloc(gemm_bufs *g, const prec_t *pr, size_t m, size_t n, size_t k)
{
    CK(cudaMalloc(&g->a, m * k * pr->elem));
    CK(cudaMalloc(&g->b, k * n * pr->elem));
    CK(cudaMalloc(&g->c, m * n * pr->elem));
    fill(g->a, pr, m * k);
    fill(g->b, pr, k * n);
    CK(cudaDeviceSynchronize());
}

static void gemm_free(gemm_bufs *g)
{
    cudaFree(g->a);
    cudaFree(g->b);
    cudaFree(g->c);
}

// C (m x n) = A (m x k) B (k x n), column major.
static void gemm(cublasHandle_t h, const prec_t *pr, const gemm_bufs *g, int m, int n, int k)
{
    const float one = 1.0f, zero = 0.0f;
    CB(cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &one, g->a, pr->type, m, g->b, pr->type, k,
                    &zero, g->c, pr->type, m, pr->compute, CUBLAS_GEMM_DEFAULT));
}

static int bench_gemm_one(FILE *f, cublasHandle_t h, const prec_t *pr, int m, int n, int k,
                          const char *label, int first)
{
    enum { REPS = 5 };
    gemm_bufs g;
    cudaEvent_t e0, e1;
    double t[REPS];
    gemm_alloc(&g, pr, m, n, k);
    CK(cudaEventCreate(&e0));
    CK(cudaEventCreate(&e1));
    for (int r = -2; r < REPS; r++) {
        CK(cudaEventRecord(e0));
        gemm(h, pr, &g, m, n, k);
        CK(cudaEventRecord(e1));
        CK(cudaEventSynchronize(e1));
        if (r >= 0)
            t[r] = event_us(e0, e1);
    }
    fprintf(f, "%s\n  {\"prec\": \"%s\", \"m\": %d, \"n\": %d, \"k\": %d, \"label\": \"%s\", \"time_us\": ",
            first ? "" : ",", pr->name, m, n, k, label);
    put_samples(f, t, REPS);
    fputc('}', f);
    cudaEventDestroy(e0);
    cudaEventDestroy(e1);
    gemm_free(&g);
    return 0;
}

// Linear layers of the LLM presets (reference FACTS §6): in -> out features.
static const struct { const char *label; int in, out; } LLM_LAYERS[] = {
    { "llama-2-7b.qkv", 4096, 12288 },   { "llama-2-7b.o", 4096, 4096 },
    { "llama-2-7b.gate_up", 4096, 22016 }, { "llama-2-7b.down", 11008, 4096 },
    { "llama-3-8b.qkv", 4096, 6144 },    { "llama-3-8b.o", 4096, 4096 },
    { "llama-3-8b.gate_up", 4096, 28672 }, { "llama-3-8b.down", 14336, 4096 },
    { "llama-2-70b.qkv", 8192, 10240 },  { "llama-2-70b.o", 8192, 8192 },
    { "llama-2-70b.gate_up", 8192, 57344 }, { "llama-2-70b.down", 28672, 8192 },
};

static void bench_gemm(FILE *f, int64_t deadline)
{
    cublasHandle_t h;
    CB(cublasCreate(&h));
    int first = 1;
    char label[64];
    fprintf(f, ",\n \"gemm\": [");
    for (size_t p = 0; p < sizeof PRECS / sizeof PRECS[0]; p++)
        for (int s = 1024; s <= 8192 && now_ns() < deadline; s *= 2) {
            snprintf(label, sizeof label, "square-%d", s);
            bench_gemm_one(f, h, &PRECS[p], s, s, s, label, first);
            first = 0;
        }
    static const int tokens[] = { 1, 512, 4096 };
    for (size_t l = 0; l < sizeof LLM_LAYERS / sizeof LLM_LAYERS[0]; l++)
        for (int t = 0; t < 3 && now_ns() < deadline; t++) {
            snprintf(label, sizeof label, "%s.tokens%d", LLM_LAYERS[l].label, tokens[t]);
            bench_gemm_one(f, h, &PRECS[0], tokens[t], LLM_LAYERS[l].out, LLM_LAYERS[l].in, label, first);
            first = 0;
        }
    fprintf(f, "]");
    cublasDestroy(h);
}

// ---- host-device copies ----

static void bench_copy(FILE *f, int64_t deadline)
{
    enum { REPS = 7 };
    const size_t max = (size_t)256 << 20;
    void *dev, *pinned, *pageable = malloc(max);
    int first = 1;
    CK(cudaMalloc(&dev, max));
    CK(cudaMallocHost(&pinned, max));
    memset(pageable, 1, max);
    memset(pinned, 1, max);
    static const char *const kinds[] = { "h2d_pinned", "d2h_pinned", "h2d_pageable", "d2h_pageable" };
    fprintf(f, ",\n \"copy\": [");
    for (int kind = 0; kind < 4; kind++)
        for (size_t b = 4096; b <= max && now_ns() < deadline; b *= 16) {
            void *host = kind < 2 ? pinned : pageable;
            int h2d = kind % 2 == 0;
            double t[REPS];
            for (int r = -1; r < REPS; r++) {
                int64_t t0 = now_ns();
                CK(cudaMemcpy(h2d ? dev : host, h2d ? host : dev, b,
                              h2d ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost));
                if (r >= 0)
                    t[r] = (double)(now_ns() - t0) / 1e3;
            }
            fprintf(f, "%s\n  {\"kind\": \"%s\", \"bytes\": %zu, \"time_us\": ", first ? "" : ",", kinds[kind], b);
            put_samples(f, t, REPS);
            fputc('}', f);
            first = 0;
        }
    fprintf(f, "]");
    cudaFree(dev);
    cudaFreeHost(pinned);
    free(pageable);
}

// ---- workers (separate processes) ----

static pid_t spawn(char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    return pid;
}

static int wait_all(const pid_t *pids, int n)
{
    int bad = 0;
    for (int i = 0; i < n; i++) {
        int st = 0;
        waitpid(pids[i], &st, 0);
        bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
    }
    return bad ? -1 : 0;
}

// probe-worker START_AT_NS DURATION_MS OUT: spin and write "start end" lines (ns, realtime-aligned)
static int probe_worker(int argc, char **argv)
{
    if (argc < 5)
        return 2;
    int64_t start_at = atoll(argv[2]);
    uint64_t dur = (uint64_t)atoll(argv[3]) * 1000000ULL;
    enum { CAP = 200000 };
    uint64_t *iv, *host = (uint64_t *)malloc(sizeof(uint64_t) * 2 * CAP);
    int *count, n = 0;
    CK(cudaMalloc(&iv, sizeof(uint64_t) * 2 * CAP));
    CK(cudaMalloc(&count, sizeof(int)));
    k_empty<<<1, 1>>>();
    CK(cudaDeviceSynchronize());
    sleep_until(start_at);
    k_probe<<<1, 1>>>(iv, CAP, count, dur, 2000);
    CK(cudaDeviceSynchronize());
    CK(cudaMemcpy(&n, count, sizeof n, cudaMemcpyDeviceToHost));
    if (n > CAP)
        n = CAP;
    CK(cudaMemcpy(host, iv, sizeof(uint64_t) * 2 * n, cudaMemcpyDeviceToHost));
    FILE *f = fopen(argv[4], "w");
    if (!f)
        return 1;
    for (int i = 0; i < n; i++)
        fprintf(f, "%llu %llu\n", (unsigned long long)host[2 * i], (unsigned long long)host[2 * i + 1]);
    return fclose(f) == 0 ? 0 : 1;
}

static void bench_timeslice(FILE *f, int procs, int ms)
{
    char self_start[32], dur[16], path[8][64];
    pid_t pids[8];
    snprintf(self_start, sizeof self_start, "%lld", (long long)(now_ns() + 4000000000LL));
    snprintf(dur, sizeof dur, "%d", ms);
    for (int i = 0; i < procs; i++) {
        snprintf(path[i], sizeof path[i], "/tmp/slicesim-probe-%d-%d", (int)getpid(), i);
        char *args[] = { (char *)"microbench", (char *)"probe-worker", self_start, dur, path[i], NULL };
        pids[i] = spawn(args);
    }
    int bad = wait_all(pids, procs), first = 1;
    unsigned long long base = ~0ULL, a, b;
    // Times relative to the earliest start: absolute %globaltimer values
    // (~1.7e18 ns) would lose their last 8 bits in a JSON double.
    for (int i = 0; i < procs && !bad; i++) {
        FILE *in = fopen(path[i], "r");
        while (in && fscanf(in, "%llu %llu", &a, &b) == 2)
            base = a < base ? a : base;
        if (in)
            fclose(in);
    }
    fprintf(f, ",\n \"timeslice\": {\"procs\": %d, \"duration_ms\": %d, \"gap_threshold_ns\": 2000, \"intervals\": [",
            procs, ms);
    for (int i = 0; i < procs && !bad; i++) {
        FILE *in = fopen(path[i], "r");
        while (in && fscanf(in, "%llu %llu", &a, &b) == 2) {
            fprintf(f, "%s[%d, %llu, %llu]", first ? "" : ", ", i, a - base, b - base);
            first = 0;
        }
        if (in)
            fclose(in);
    }
    for (int i = 0; i < procs; i++)
        remove(path[i]);
    fprintf(f, "]}");
    if (bad)
        fprintf(stderr, "microbench: a time-slice probe worker failed\n");
}

static int cmd_all(int argc, char **argv)
{
    const char *out = arg(argc, argv, "--out", NULL);
    int budget = atoi(arg(argc, argv, "--budget-s", "240"));
    if (!out || budget < 10) {
        fprintf(stderr, "usage: microbench all --out RAW.json [--budget-s N>=10]\n");
        return 2;
    }
    int64_t t0 = now_ns(), end = t0 + (int64_t)budget * 1000000000LL;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "microbench: cannot write %s\n", tmp);
        return 2;
    }
    snprintf(g_partial, sizeof g_partial, "%s", tmp);
    fprintf(f, "{\"format\": \"slicesim-calib-raw/1\",\n");
    put_device(f);
    bench_launch(f);
    bench_hbm(f, t0 + (end - t0) / 5);
    bench_gemm(f, t0 + (end - t0) * 3 / 5);
    bench_copy(f, t0 + (end - t0) * 4 / 5);
    bench_timeslice(f, 2, 300);
    fprintf(f, "\n}\n");
    if (fclose(f) != 0 || rename(tmp, out) != 0) {
        fprintf(stderr, "microbench: cannot write %s\n", out);
        return 1;
    }
    g_partial[0] = '\0';
    fprintf(stderr, "microbench: wrote %s in %.1f s\n", out, (double)(now_ns() - t0) / 1e9);
    return 0;
}

// ---- contention ----

// A burst: `kernels` GEMMs m x n x k in one precision, or `kernels` copy
// kernels over a buffer of `bytes` bytes (each moves 2 x bytes through HBM).
typedef struct {
    int kind;                   // 0 GEMM, 1 copy, 2 fma (one block per SM)
    int m, n, k, kernels;
    size_t bytes;
    const prec_t *pr;
    int blocks, iters;          // fma
} burst_t;

// What a process needs to issue bursts.
typedef struct {
    const burst_t *b;
    cublasHandle_t h;
    gemm_bufs g;
    float4 *src, *dst;
    float *fout;
    int sms, smem;
} burst_ctx;

static int burst_args(int argc, char **argv, burst_t *b)
{
    const char *kind = arg(argc, argv, "--kind", "gemm");
    b->kind = strcmp(kind, "copy") == 0 ? 1 : strcmp(kind, "gemm") == 0 ? 0 : strcmp(kind, "fma") == 0 ? 2 : -1;
    b->blocks = atoi(arg(argc, argv, "--blocks", "1"));
    b->iters = atoi(arg(argc, argv, "--iters", "100000"));
    b->m = atoi(arg(argc, argv, "--m", "8192"));
    b->n = atoi(arg(argc, argv, "--n", "8192"));
    b->k = atoi(arg(argc, argv, "--k", "8192"));
    b->kernels = atoi(arg(argc, argv, "--kernels", "4"));
    b->bytes = (size_t)atoll(arg(argc, argv, "--bytes", "1073741824"));
    b->pr = prec_find(arg(argc, argv, "--prec", "bf16"));
    return b->kind >= 0 && b->pr && b->m > 0 && b->n > 0 && b->k > 0 && b->kernels > 0 &&
           b->bytes >= 16 && b->blocks > 0 && b->iters > 0 ? 0 : -1;
}

static void burst_init(burst_ctx *c, const burst_t *b)
{
    c->b = b;
    cudaDeviceGetAttribute(&c->sms, cudaDevAttrMultiProcessorCount, 0);
    if (b->kind == 0) {
        CB(cublasCreate(&c->h));
        gemm_alloc(&c->g, b->pr, b->m, b->n, b->k);
    } else if (b->kind == 2) {
        int per_sm = 0;
        cudaDeviceGetAttribute(&per_sm, cudaDevAttrMaxSharedMemoryPerMultiprocessor, 0);
        c->smem = per_sm / 2 + 1024;          // more than half: one block per SM
        CK(cudaFuncSetAttribute(k_fma, cudaFuncAttributeMaxDynamicSharedMemorySize, c->smem));
        CK(cudaMalloc(&c->fout, sizeof(float) * (size_t)b->blocks));
    } else {
        CK(cudaMalloc(&c->src, b->bytes));
        CK(cudaMalloc(&c->dst, b->bytes));
        CK(cudaMemset(c->src, 0, b->bytes));
    }
}

static void burst_free(burst_ctx *c)
{
    if (c->b->kind == 0) {
        gemm_free(&c->g);
        cublasDestroy(c->h);
    } else if (c->b->kind == 2) {
        cudaFree(c->fout);
    } else {
        cudaFree(c->src);
        cudaFree(c->dst);
    }
}

static void burst_issue(burst_ctx *c)
{
    const burst_t *b = c->b;
    for (int i = 0; i < b->kernels; i++)
        if (b->kind == 0)
            gemm(c->h, b->pr, &c->g, b->m, b->n, b->k);
        else if (b->kind == 2)
            k_fma<<<b->blocks, 1024, c->smem>>>(c->fout, b->iters);
        else
            k_copy<<<c->sms * 8, 256>>>(c->dst, c->src, b->bytes / sizeof(float4));
}

// Offset of %globaltimer over CLOCK_REALTIME, from one round trip.
static int64_t timer_offset(uint64_t *slot)
{
    uint64_t g = 0;
    int64_t h0 = now_ns();
    k_stamp<<<1, 1>>>(slot);
    CK(cudaDeviceSynchronize());
    int64_t h1 = now_ns();
    CK(cudaMemcpy(&g, slot, sizeof g, cudaMemcpyDeviceToHost));
    return (int64_t)g - (h0 + h1) / 2;
}

// contention-worker PROC START_AT RATE DURATION_S SEED OUT + burst options
static int contention_worker(int argc, char **argv)
{
    burst_t b;
    if (argc < 8 || burst_args(argc, argv, &b) < 0)
        return 2;
    int proc = atoi(argv[2]);
    int64_t start_at = atoll(argv[3]);
    double rate = atof(argv[4]), dur = atof(argv[5]);
    uint64_t x = (uint64_t)atoll(argv[6]) * 0x9E3779B97F4A7C15ULL + (uint64_t)proc + 1;
    enum { CAP = 200000 };
    int64_t *arrival = (int64_t *)malloc(sizeof(int64_t) * CAP);
    uint64_t *ends, *host = (uint64_t *)malloc(sizeof(uint64_t) * CAP);
    burst_ctx c;
    burst_init(&c, &b);
    CK(cudaMalloc(&ends, sizeof(uint64_t) * CAP));
    burst_issue(&c);
    CK(cudaDeviceSynchronize());
    int64_t off = timer_offset(ends);
    int n = 0;
    double t = 0;
    sleep_until(start_at);
    for (;;) {
        x ^= x >> 12; x ^= x << 25; x ^= x >> 27;          // xorshift64*
        double u = (double)((x * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
        t += -log(1.0 - u) / rate;
        if (t >= dur || n >= CAP)
            break;
        arrival[n] = start_at + (int64_t)(t * 1e9);
        sleep_until(arrival[n]);
        burst_issue(&c);
        k_stamp<<<1, 1>>>(ends + n);
        n++;
    }
    CK(cudaDeviceSynchronize());
    CK(cudaMemcpy(host, ends, sizeof(uint64_t) * n, cudaMemcpyDeviceToHost));
    FILE *f = fopen(argv[7], "w");
    if (!f)
        return 1;
    for (int i = 0; i < n; i++)
        fprintf(f, "%lld %lld\n", (long long)(arrival[i] - start_at),
                (long long)((int64_t)host[i] - off - start_at));
    return fclose(f) == 0 ? 0 : 1;
}

// Median time of one burst on an otherwise idle GPU; the samples in samples[].
static double solo_burst_us(const burst_t *b, double *samples, int reps)
{
    burst_ctx c;
    cudaEvent_t e0, e1;
    burst_init(&c, b);
    CK(cudaEventCreate(&e0));
    CK(cudaEventCreate(&e1));
    for (int r = -2; r < reps; r++) {
        CK(cudaEventRecord(e0));
        burst_issue(&c);
        CK(cudaEventRecord(e1));
        CK(cudaEventSynchronize(e1));
        if (r >= 0)
            samples[r] = event_us(e0, e1);
    }
    burst_free(&c);
    double s[64];
    memcpy(s, samples, sizeof(double) * reps);
    for (int i = 1; i < reps; i++)              // insertion sort for the median
        for (int j = i; j > 0 && s[j] < s[j - 1]; j--) {
            double y = s[j]; s[j] = s[j - 1]; s[j - 1] = y;
        }
    return s[reps / 2];
}

static void put_burst(FILE *f, const burst_t *b)
{
    if (b->kind == 0)
        fprintf(f, "{\"kind\": \"gemm\", \"prec\": \"%s\", \"m\": %d, \"n\": %d, \"k\": %d, \"kernels\": %d}",
                b->pr->name, b->m, b->n, b->k, b->kernels);
    else if (b->kind == 2)
        fprintf(f, "{\"kind\": \"fma\", \"blocks\": %d, \"iters\": %d, \"kernels\": %d}", b->blocks, b->iters,
                b->kernels);
    else
        fprintf(f, "{\"kind\": \"copy\", \"bytes\": %zu, \"kernels\": %d}", b->bytes, b->kernels);
}

// Merge the workers' files into the contention document at out.
static int write_contention(const char *out, int procs, double dur, double warm, double load, double rate,
                            const burst_t *b, const double *solo, char path[][64])
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return 1;
    snprintf(g_partial, sizeof g_partial, "%s", tmp);
    fprintf(f, "{\"format\": \"slicesim-contention/1\",\n");
    put_device(f);
    fprintf(f, ",\n \"procs\": %d, \"duration_s\": %.9g, \"warmup_s\": %.9g, \"load\": %.9g, \"rate_per_s\": %.9g,\n"
            " \"burst\": ", procs, dur, warm, load, rate);
    put_burst(f, b);
    fprintf(f, ",\n \"solo_burst_us\": ");
    put_samples(f, solo, 11);
    fprintf(f, ",\n \"requests\": [");
    int first = 1;
    for (int i = 0; i < procs; i++) {
        FILE *in = fopen(path[i], "r");
        long long a, e;
        while (in && fscanf(in, "%lld %lld", &a, &e) == 2) {
            fprintf(f, "%s[%d, %lld, %lld]", first ? "" : ",\n  ", i, a, e < a ? a : e);
            first = 0;
        }
        if (in)
            fclose(in);
        remove(path[i]);
    }
    fprintf(f, "]\n}\n");
    if (fclose(f) != 0 || rename(tmp, out) != 0)
        return 1;
    g_partial[0] = '\0';
    return 0;
}

static int cmd_contention(int argc, char **argv)
{
    const char *out = arg(argc, argv, "--out", NULL);
    int procs = atoi(arg(argc, argv, "--procs", "2"));
    double load = atof(arg(argc, argv, "--load", "0.6"));
    double dur = atof(arg(argc, argv, "--duration-s", "12")), warm = atof(arg(argc, argv, "--warmup-s", "2"));
    burst_t b;
    if (!out || procs < 1 || procs > 8 || !(load > 0 && load < 1) || !(dur > warm) || warm < 0 ||
        burst_args(argc, argv, &b) < 0) {
        fprintf(stderr, "usage: microbench contention --procs N(1-8) --out FILE [--load 0<X<1] [--duration-s D]"
                " [--warmup-s W<D] [--kind gemm --m M --n N --k K --prec bf16|fp16|tf32|fp32 | --kind copy"
                " --bytes B] [--kernels G]\n");
        return 2;
    }
    double solo[11];
    double s_us = solo_burst_us(&b, solo, 11);
    double rate = load / (procs * s_us * 1e-6);
    char start[32], r[32], d[32], path[8][64], seed[16] = "1";
    pid_t pids[8];
    snprintf(start, sizeof start, "%lld", (long long)(now_ns() + 5000000000LL));
    snprintf(r, sizeof r, "%.9g", rate);
    snprintf(d, sizeof d, "%.9g", dur);
    for (int i = 0; i < procs; i++) {
        char pi[8];
        snprintf(pi, sizeof pi, "%d", i);
        snprintf(path[i], sizeof path[i], "/tmp/slicesim-contention-%d-%d", (int)getpid(), i);
        // The worker takes the burst options as given to this command.
        char *args[64] = { (char *)"microbench", (char *)"contention-worker", pi, start, r, d, seed, path[i] };
        int na = 8;
        for (int j = 2; j < argc && na < 62; j++)
            args[na++] = argv[j];
        args[na] = NULL;
        pids[i] = spawn(args);
    }
    if (wait_all(pids, procs) < 0) {
        fprintf(stderr, "microbench: a contention worker failed\n");
        return 1;
    }
    if (write_contention(out, procs, dur, warm, load, rate, &b, solo, path) != 0) {
        fprintf(stderr, "microbench: cannot write %s\n", out);
        return 1;
    }
    fprintf(stderr, "microbench: wrote %s (%d procs, %.4g bursts/s each, burst alone %.4g ms)\n", out, procs,
            rate, s_us / 1e3);
    return 0;
}

// ---- throughput: N busy processes against one alone ----

// The i-th entry of a comma-separated list of block counts (cycling).
static int nth_blocks(const char *list, int i)
{
    int vals[16], n = 0;
    const char *p = list;
    while (*p && n < 16) {
        vals[n++] = atoi(p);
        p = strchr(p, ',');
        if (!p)
            break;
        p++;
    }
    return n ? vals[i % n] : 1;
}

// throughput-worker PROC START_AT DURATION_S WARMUP_S BLOCKS OUT + burst options:
// bursts back to back; writes "bursts_in_window first_end last_end".
static int throughput_worker(int argc, char **argv)
{
    burst_t b;
    if (argc < 8 || burst_args(argc, argv, &b) < 0)
        return 2;
    int64_t start_at = atoll(argv[3]);
    double dur = atof(argv[4]), warm = atof(argv[5]);
    b.blocks = atoi(argv[6]);
    burst_ctx c;
    burst_init(&c, &b);
    burst_issue(&c);
    CK(cudaDeviceSynchronize());
    int64_t w0 = start_at + (int64_t)(warm * 1e9), w1 = start_at + (int64_t)(dur * 1e9);
    long n = 0;
    sleep_until(start_at);
    for (;;) {
        burst_issue(&c);
        CK(cudaDeviceSynchronize());
        int64_t t = now_ns();
        if (t > w1)
            break;
        n += t >= w0;
    }
    burst_free(&c);
    FILE *f = fopen(argv[7], "w");
    if (!f)
        return 1;
    fprintf(f, "%ld\n", n);
    return fclose(f) == 0 ? 0 : 1;
}

static int cmd_throughput(int argc, char **argv)
{
    const char *out = arg(argc, argv, "--out", NULL), *sharing = arg(argc, argv, "--sharing", "timeslice");
    const char *blocks = arg(argc, argv, "--blocks", "1");
    int procs = atoi(arg(argc, argv, "--procs", "2"));
    double dur = atof(arg(argc, argv, "--duration-s", "10")), warm = atof(arg(argc, argv, "--warmup-s", "2"));
    burst_t b;
    if (!out || procs < 1 || procs > 8 || !(dur > warm) || warm < 0 || burst_args(argc, argv, &b) < 0) {
        fprintf(stderr, "usage: microbench throughput --procs N(1-8) --out FILE [--duration-s D] [--warmup-s W<D]"
                " [--sharing timeslice|mps] [--kind gemm|copy|fma ...] [--blocks B1,B2,...] [--iters I]\n");
        return 2;
    }
    double solo[11][8];
    for (int i = 0; i < procs; i++) {        // each process's burst alone (its own block count;
                                             // solo_burst_us warms up first)
        b.blocks = nth_blocks(blocks, i);
        double s[11];
        solo_burst_us(&b, s, 11);
        for (int r = 0; r < 11; r++)
            solo[r][i] = s[r];
    }
    char start[32], d[32], w[32], path[8][64], bl[8][16];
    pid_t pids[8];
    snprintf(start, sizeof start, "%lld", (long long)(now_ns() + 5000000000LL));
    snprintf(d, sizeof d, "%.9g", dur);
    snprintf(w, sizeof w, "%.9g", warm);
    for (int i = 0; i < procs; i++) {
        char pi[8];
        snprintf(pi, sizeof pi, "%d", i);
        snprintf(bl[i], sizeof bl[i], "%d", nth_blocks(blocks, i));
        snprintf(path[i], sizeof path[i], "/tmp/slicesim-throughput-%d-%d", (int)getpid(), i);
        char *args[64] = { (char *)"microbench", (char *)"throughput-worker", pi, start, d, w, bl[i], path[i] };
        int na = 8;
        for (int j = 2; j < argc && na < 62; j++)
            args[na++] = argv[j];
        args[na] = NULL;
        pids[i] = spawn(args);
    }
    if (wait_all(pids, procs) < 0) {
        fprintf(stderr, "microbench: a throughput worker failed\n");
        return 1;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return 1;
    snprintf(g_partial, sizeof g_partial, "%s", tmp);
    fprintf(f, "{\"format\": \"slicesim-throughput/1\",\n");
    put_device(f);
    fprintf(f, ",\n \"sharing\": \"%s\", \"procs\": %d, \"duration_s\": %.9g, \"warmup_s\": %.9g,\n \"burst\": ",
            sharing, procs, dur, warm);
    put_burst(f, &b);
    fprintf(f, ",\n \"procs_detail\": [");
    for (int i = 0; i < procs; i++) {
        long n = 0;
        FILE *in = fopen(path[i], "r");
        if (!in || fscanf(in, "%ld", &n) != 1)
            n = -1;
        if (in)
            fclose(in);
        remove(path[i]);
        double s[11];
        for (int r = 0; r < 11; r++)
            s[r] = solo[r][i];
        fprintf(f, "%s\n  {\"blocks\": %d, \"bursts\": %ld, \"per_s\": %.9g, \"solo_burst_us\": ", i ? "," : "",
                nth_blocks(blocks, i), n, n / (dur - warm));
        put_samples(f, s, 11);
        fprintf(f, "}");
    }
    fprintf(f, "]\n}\n");
    if (fclose(f) != 0 || rename(tmp, out) != 0) {
        fprintf(stderr, "microbench: cannot write %s\n", out);
        return 1;
    }
    g_partial[0] = '\0';
    fprintf(stderr, "microbench: wrote %s (%d procs, %s)\n", out, procs, sharing);
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    atexit(remove_partial);
    if (strcmp(cmd, "all") == 0)
        return cmd_all(argc, argv);
    if (strcmp(cmd, "contention") == 0)
        return cmd_contention(argc, argv);
    if (strcmp(cmd, "probe-worker") == 0)
        return probe_worker(argc, argv);
    if (strcmp(cmd, "contention-worker") == 0)
        return contention_worker(argc, argv);
    if (strcmp(cmd, "throughput") == 0)
        return cmd_throughput(argc, argv);
    if (strcmp(cmd, "throughput-worker") == 0)
        return throughput_worker(argc, argv);
    fprintf(stderr, "usage: microbench all --out RAW.json [--budget-s N]\n"
                    "       microbench contention --procs N --out FILE [--load X] [--duration-s D] ...\n"
                    "       microbench throughput --procs N --out FILE [--sharing timeslice|mps] ...\n");
    return 2;
}
