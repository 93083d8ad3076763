#include <cstdio>

int main() {
  std::puts("n4a " N4A_VERSION);
  return 0;
}
