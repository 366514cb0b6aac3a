// Populates the start of the heap in one system call, before anything runs.
//
// On a virtual machine whose guest page faults trap to the host (the 2-core
// Firecracker VMs we build and measure on), the first touch of an anonymous
// page costs ~30 us; MADV_POPULATE_WRITE maps the same pages for ~1 us each
// (measured: 512 pages touched one by one 15 ms, populated 0.55 ms). A
// one-shot `dbtrail query --pk` touches ~90 heap pages (CLI11's options,
// SQLite's connections and page cache): populating the first 0.5-1 MiB
// took ~0.3 ms off its median there (bench/README.md). On a VM with cheaper
// faults, with the binary fully static, 256-512 KiB still gained ~0.15 ms
// and a full MiB lost ~0.1 ms (interleaved runs, 200 each). Populating the
// code and data segments or the stack as well gained nothing measurable:
// file pages already fault in 16 at a time, and the whole mapping must be
// torn down at exit too.
//
// .preinit_array runs before every constructor of the executable and of the
// libraries linked into it, so the very first malloc already finds the
// padded heap. Long-running commands lose nothing: the memory would be
// touched anyway, and a larger sbrk step only means fewer brk calls.
// Kernels before 5.14 answer EINVAL and fault as before.
// Not under AddressSanitizer: its allocator is not glibc's heap.
#ifndef __SANITIZE_ADDRESS__

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace {

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

// Every sbrk asks for this much beyond the request, the first one included.
constexpr size_t kHeapStep = 512 << 10;
// Below glibc's mmap threshold (128 KiB), so served from the heap.
constexpr size_t kPiece = 64 << 10;

void populate_heap(int, char**, char**) {
  mallopt(M_TOP_PAD, static_cast<int>(kHeapStep));
  // Pieces until the heap spans a step: in a dynamic program the first piece
  // makes the first sbrk, the request plus the step; a static glibc made a
  // small heap of its own before this ran, so a piece or two fill it first.
  // Freed, they leave the step at the top of the heap (glibc trims above it).
  // volatile: the compiler may drop a malloc/free pair.
  void* volatile held[4] = {};
  for (auto& p : held) {
    if (mallinfo2().arena >= kHeapStep) break;
    p = malloc(kPiece);
  }
  for (auto& p : held) free(p);
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t end = reinterpret_cast<uintptr_t>(sbrk(0));
  // Rounded up: the heap may start inside the page that ends .bss.
  const uintptr_t start = (end - mallinfo2().arena + page - 1) & ~(page - 1);
  if (start < end) madvise(reinterpret_cast<void*>(start), end - start, MADV_POPULATE_WRITE);
}

}  // namespace

__attribute__((section(".preinit_array"), used)) static void (*const kPopulateHeap)(
    int, char**, char**) = populate_heap;

#endif  // __SANITIZE_ADDRESS__
