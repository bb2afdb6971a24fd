/* Double-precision kernels: a dense matrix multiply and an n-body step. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define M 96

static double a[M][M], b[M][M], c[M][M];

static void matmul(void) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) {
            double s = 0;
            for (int k = 0; k < M; k++)
                s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
}

#define NB 64
static double px[NB], py[NB], pz[NB], vx[NB], vy[NB], vz[NB], mass[NB];

static void nbody_step(double dt) {
    for (int i = 0; i < NB; i++)
        for (int j = i + 1; j < NB; j++) {
            double dx = px[i] - px[j], dy = py[i] - py[j], dz = pz[i] - pz[j];
            double d2 = dx * dx + dy * dy + dz * dz + 0.01;
            double mag = dt / (d2 * sqrt(d2));
            vx[i] -= dx * mass[j] * mag; vy[i] -= dy * mass[j] * mag; vz[i] -= dz * mass[j] * mag;
            vx[j] += dx * mass[i] * mag; vy[j] += dy * mass[i] * mag; vz[j] += dz * mass[i] * mag;
        }
    for (int i = 0; i < NB; i++) {
        px[i] += dt * vx[i]; py[i] += dt * vy[i]; pz[i] += dt * vz[i];
    }
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 20;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) {
            a[i][j] = (double)((i * 7 + j * 3) % 17) / 16.0 - 0.5;
            b[i][j] = (double)((i * 5 + j * 11) % 13) / 12.0 - 0.5;
        }
    for (int i = 0; i < NB; i++) {
        px[i] = i * 0.37; py[i] = (i % 7) * 1.3; pz[i] = (i % 5) * 0.71;
        vx[i] = vy[i] = vz[i] = 0; mass[i] = 1.0 + (i % 3);
    }
    double acc = 0;
    for (int r = 0; r < rounds; r++) {
        matmul();
        acc += c[r % M][(r * 7) % M];
        for (int s = 0; s < 20; s++)
            nbody_step(0.001);
    }
    printf("%.12e %.12e %.12e\n", acc, px[3] + py[5], vz[7]);
    return 0;
}
