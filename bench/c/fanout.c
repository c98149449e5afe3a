/*
 * fanout.c: MoodDJ's fan-out pattern written in plain C, the floor the station is measured against
 * (bench/MoodDJ.Bench/CFanoutScenario.cs compiles and runs it). Every 1/rate seconds one RTP packet
 * (12-byte header + payload) goes to every listener: with `srtp`, each listener's copy is encrypted
 * with its own AES-128 counter-mode key and tagged with its own HMAC-SHA1-80 (RFC 3711's
 * AES_CM_128_HMAC_SHA1_80, through OpenSSL's libcrypto); with `sendmmsg` the datagrams leave in
 * batches of 64, otherwise one sendto each. Blocking socket, one thread.
 *
 * usage: fanout SECONDS WARMUP RATE PAYLOAD sendto|sendmmsg plain|srtp  (ports on stdin, comma-separated)
 * prints: "cpu SECONDS packets N frames F window SECONDS" for the window after WARMUP.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_LISTENERS 4096
#define BATCH 64
#define TAG 10

struct listener {
    struct sockaddr_in addr;
    unsigned char packet[1500];
    EVP_CIPHER_CTX *aes;
    HMAC_CTX *mac;
    unsigned char salt[14];
};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
}

static void protect(struct listener *l, int length, unsigned short seq) {
    unsigned char iv[16] = {0}, digest[20];
    unsigned int ssrc = 0x4D6F6F44, digest_length = 0, roc = 0;
    int out = 0;
    memcpy(iv, l->salt, 14);
    iv[4] ^= ssrc >> 24; iv[5] ^= ssrc >> 16; iv[6] ^= ssrc >> 8; iv[7] ^= ssrc;
    iv[12] ^= seq >> 8; iv[13] ^= seq;
    EVP_EncryptInit_ex(l->aes, NULL, NULL, NULL, iv);
    EVP_EncryptUpdate(l->aes, l->packet + 12, &out, l->packet + 12, length - 12);
    HMAC_Init_ex(l->mac, NULL, 0, NULL, NULL);
    HMAC_Update(l->mac, l->packet, length);
    HMAC_Update(l->mac, (unsigned char *)&roc, 4);
    HMAC_Final(l->mac, digest, &digest_length);
    memcpy(l->packet + length, digest, TAG);
}

int main(int argc, char **argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: fanout SECONDS WARMUP RATE PAYLOAD sendto|sendmmsg plain|srtp < ports\n");
        return 2;
    }
    double seconds = atof(argv[1]), warmup = atof(argv[2]);
    int rate = atoi(argv[3]), payload = atoi(argv[4]);
    int mmsg = strcmp(argv[5], "sendmmsg") == 0, srtp = strcmp(argv[6], "srtp") == 0;
    static char line[MAX_LISTENERS * 8];
    if (!fgets(line, sizeof line, stdin)) return 2;
    static struct listener listeners[MAX_LISTENERS];
    int n = 0;
    for (char *p = strtok(line, ",\n"); p && n < MAX_LISTENERS; p = strtok(NULL, ",\n"), n++) {
        struct listener *l = &listeners[n];
        l->addr.sin_family = AF_INET;
        l->addr.sin_port = htons(atoi(p));
        l->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        unsigned char key[16], auth[20];
        for (int i = 0; i < 16; i++) key[i] = rand();
        for (int i = 0; i < 20; i++) auth[i] = rand();
        for (int i = 0; i < 14; i++) l->salt[i] = rand();
        l->aes = EVP_CIPHER_CTX_new();
        EVP_EncryptInit_ex(l->aes, EVP_aes_128_ctr(), NULL, key, NULL);
        l->mac = HMAC_CTX_new();
        HMAC_Init_ex(l->mac, auth, 20, EVP_sha1(), NULL);
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int sndbuf = 8 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    unsigned char source[1500];
    for (int i = 0; i < 12 + payload; i++) source[i] = rand();
    source[0] = 0x80; source[1] = 111;
    int length = 12 + payload + (srtp ? TAG : 0);
    static struct mmsghdr messages[BATCH];
    static struct iovec vectors[BATCH];

    double start = now(), measured_from = start + warmup, end = measured_from + seconds, cpu_from = 0;
    long packets = 0, frames = 0;
    int measuring = 0;
    for (long frame = 0;; frame++) {
        double due = start + (double)frame / rate, t = now();
        if (t >= end) break;
        if (!measuring && t >= measured_from) { measuring = 1; cpu_from = cpu(); packets = 0; frames = 0; }
        if (due > t) {
            struct timespec s = { (time_t)(due - t), (long)((due - t - (time_t)(due - t)) * 1e9) };
            nanosleep(&s, NULL);
        }
        unsigned short seq = (unsigned short)frame;
        int batched = 0;
        for (int i = 0; i < n; i++) {
            struct listener *l = &listeners[i];
            memcpy(l->packet, source, 12 + payload);
            l->packet[2] = seq >> 8; l->packet[3] = seq;
            if (srtp) protect(l, 12 + payload, seq);
            if (!mmsg) {
                if (sendto(fd, l->packet, length, 0, (struct sockaddr *)&l->addr, sizeof l->addr) == length) packets++;
                continue;
            }
            vectors[batched].iov_base = l->packet;
            vectors[batched].iov_len = length;
            memset(&messages[batched], 0, sizeof messages[batched]);
            messages[batched].msg_hdr.msg_name = &l->addr;
            messages[batched].msg_hdr.msg_namelen = sizeof l->addr;
            messages[batched].msg_hdr.msg_iov = &vectors[batched];
            messages[batched].msg_hdr.msg_iovlen = 1;
            if (++batched == BATCH || i == n - 1) {
                int sent = sendmmsg(fd, messages, batched, 0);
                if (sent > 0) packets += sent;
                batched = 0;
            }
        }
        frames++;
    }
    printf("cpu %.4f packets %ld frames %ld window %.3f\n", cpu() - cpu_from, packets, frames, seconds);
    return 0;
}
