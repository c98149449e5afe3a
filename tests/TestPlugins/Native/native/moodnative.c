/* A tiny native library a test plugin calls through P/Invoke, built with gcc at build time. */
int moodnative_answer(int x) { return x * 2 + 1; }
