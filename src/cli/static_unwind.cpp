// Exceptions in the fully static binary: found through .eh_frame_hdr, as in
// a dynamic one, instead of a table the unwinder sorts on the first throw.
//
// For a -static link, gcc starts the program with crtbeginT.o, which hands
// the whole .eh_frame to libgcc's __register_frame_info. The first exception
// then makes libgcc decode and sort every FDE of the 8 MB of code: ~9 ms
// before CLI11 could print --version or a usage error. The link wraps both
// registration calls (CMakeLists.txt) so they reach these no-ops, and asks
// for --eh-frame-hdr, which gcc leaves out of static links: with nothing
// registered, libgcc finds FDEs by binary search in that header through
// dl_iterate_phdr, which static glibc answers for the executable.
#ifdef DBTRAIL_STATIC_GLIBC

extern "C" {

void __wrap___register_frame_info(const void*, void*) {}

// crtbeginT.o's exit path ignores the result: there is nothing to give back.
void* __wrap___deregister_frame_info(const void*) { return nullptr; }

}  // extern "C"

#endif  // DBTRAIL_STATIC_GLIBC
