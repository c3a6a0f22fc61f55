#pragma once
// A hash map and a hash set keyed by 64-bit ids (the history's value ids), for the checkers' per-
// value state: the entries in one dense vector, found through an open-addressing table (linear
// probing) of 4-byte indexes, so a lookup touches a cache line or two and an entry costs no node
// allocation (std::unordered_map spent most of a checker's time in pointer chasing, malloc and
// free). Iteration is in insertion order, never dependent on addresses or a seed. Unlike
// std::unordered_map, an insertion may move every entry: references and iterators do not survive
// one. No erase: the checkers only add.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "base/assert.hpp"

namespace eosim::base {

// splitmix64's finalizer: consecutive ids spread over the table.
constexpr std::uint64_t mix_u64(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

template <class V>
class U64Map {
public:
    using key_type = std::uint64_t;
    using mapped_type = V;
    using value_type = std::pair<std::uint64_t, V>;
    using iterator = typename std::vector<value_type>::iterator;
    using const_iterator = typename std::vector<value_type>::const_iterator;

    // In insertion order.
    iterator begin() { return entries_.begin(); }
    iterator end() { return entries_.end(); }
    const_iterator begin() const { return entries_.begin(); }
    const_iterator end() const { return entries_.end(); }
    std::size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }

    iterator find(std::uint64_t key) { return entries_.begin() + static_cast<std::ptrdiff_t>(locate(key)); }
    const_iterator find(std::uint64_t key) const {
        return entries_.begin() + static_cast<std::ptrdiff_t>(locate(key));
    }
    std::size_t count(std::uint64_t key) const { return locate(key) == entries_.size() ? 0 : 1; }
    bool contains(std::uint64_t key) const { return count(key) == 1; }
    V& at(std::uint64_t key) {
        const std::size_t index = locate(key);
        EOSIM_ASSERT(index != entries_.size());
        return entries_[index].second;
    }
    const V& at(std::uint64_t key) const {
        const std::size_t index = locate(key);
        EOSIM_ASSERT(index != entries_.size());
        return entries_[index].second;
    }
    V& operator[](std::uint64_t key) { return try_emplace(key).first->second; }

    template <class... Args>
    std::pair<iterator, bool> try_emplace(std::uint64_t key, Args&&... args) {
        if ((entries_.size() + 1) * 4 > slots_.size() * 3) grow();
        std::size_t slot = home(key);
        for (; slots_[slot] != kFree; slot = (slot + 1) & (slots_.size() - 1)) {
            if (entries_[slots_[slot]].first == key) return {entries_.begin() + slots_[slot], false};
        }
        EOSIM_ASSERT(entries_.size() < kFree);
        slots_[slot] = static_cast<std::uint32_t>(entries_.size());
        entries_.emplace_back(key, V(std::forward<Args>(args)...));
        return {entries_.end() - 1, true};
    }
    std::pair<iterator, bool> emplace(std::uint64_t key, V value) { return try_emplace(key, std::move(value)); }

    void clear() {
        entries_.clear();
        slots_.clear();
    }

private:
    static constexpr std::uint32_t kFree = 0xffffffffU;
    std::size_t home(std::uint64_t key) const { return static_cast<std::size_t>(mix_u64(key)) & (slots_.size() - 1); }
    // The key's index in entries_, or entries_.size() (end) if absent.
    std::size_t locate(std::uint64_t key) const {
        if (entries_.empty()) return entries_.size();
        for (std::size_t slot = home(key); slots_[slot] != kFree; slot = (slot + 1) & (slots_.size() - 1)) {
            if (entries_[slots_[slot]].first == key) return slots_[slot];
        }
        return entries_.size();
    }
    void grow() {
        const std::size_t capacity = slots_.empty() ? 16 : slots_.size() * 2;
        EOSIM_ASSERT((capacity & (capacity - 1)) == 0);
        slots_.assign(capacity, kFree);
        for (std::size_t i = 0; i < entries_.size(); ++i) {
            std::size_t slot = home(entries_[i].first);
            while (slots_[slot] != kFree) slot = (slot + 1) & (capacity - 1);
            slots_[slot] = static_cast<std::uint32_t>(i);
        }
    }

    std::vector<value_type> entries_;   // dense, in insertion order
    std::vector<std::uint32_t> slots_;  // open-addressing table of indexes into entries_
};

// A set of 64-bit ids, with U64Map's layout and rules.
class U64Set {
public:
    // insert(key).second: the key was not there before (first: the key).
    std::pair<std::uint64_t, bool> insert(std::uint64_t key) { return {key, map_.try_emplace(key).second}; }
    std::size_t count(std::uint64_t key) const { return map_.count(key); }
    bool contains(std::uint64_t key) const { return map_.contains(key); }
    std::size_t size() const { return map_.size(); }
    bool empty() const { return map_.empty(); }

private:
    struct Nothing {};
    U64Map<Nothing> map_;
};

}  // namespace eosim::base
