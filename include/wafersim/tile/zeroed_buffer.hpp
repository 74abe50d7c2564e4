#pragma once
// A zero-initialised array of a trivially copyable type taken straight from the kernel
// (anonymous mmap: no memset, pages are zero until first written) and, when large, on
// transparent huge pages where the kernel offers them (madvise). For the per-tile arrays of
// a whole wafer: 754k tiles x 4 B take 736 page faults on 4 KiB pages and 2 on 2 MiB pages,
// which matters when every design point of a sweep is a fresh process.
#include <cstddef>
#include <span>
#include <type_traits>

namespace wafersim {

namespace detail {
void* map_zeroed(std::size_t bytes, std::size_t& mapped);  // throws std::bad_alloc
void unmap(void* p, std::size_t mapped) noexcept;
}  // namespace detail

template <class T>
class ZeroedBuffer {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  ZeroedBuffer() = default;
  explicit ZeroedBuffer(std::size_t n) : n_(n) {
    if (n_ != 0) data_ = static_cast<T*>(detail::map_zeroed(n_ * sizeof(T), mapped_));
  }
  ZeroedBuffer(const ZeroedBuffer& o) : ZeroedBuffer(o.n_) {
    for (std::size_t i = 0; i < n_; ++i) data_[i] = o.data_[i];
  }
  ZeroedBuffer(ZeroedBuffer&& o) noexcept : data_(o.data_), n_(o.n_), mapped_(o.mapped_) {
    o.data_ = nullptr;
    o.n_ = o.mapped_ = 0;
  }
  ZeroedBuffer& operator=(ZeroedBuffer o) noexcept {
    std::swap(data_, o.data_);
    std::swap(n_, o.n_);
    std::swap(mapped_, o.mapped_);
    return *this;
  }
  ~ZeroedBuffer() {
    if (data_ != nullptr) detail::unmap(data_, mapped_);
  }

  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + n_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + n_; }
  std::span<const T> view() const { return {data_, n_}; }

 private:
  T* data_ = nullptr;
  std::size_t n_ = 0;
  std::size_t mapped_ = 0;
};

}  // namespace wafersim
