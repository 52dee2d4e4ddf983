// A bounded single-producer single-consumer queue of pointers, lock-free and allocation-free after
// construction (juce::AbstractFifo over a fixed array). The producer and the consumer may each be a
// different thread over time, as long as each role has one thread at a time (AudioEngine hands the
// consumer role to the message thread only while the audio thread is kept out).
#pragma once

#include <juce_core/juce_core.h>
#include <vector>

namespace namrig {

template <typename T>
class SpscQueue {
public:
    explicit SpscQueue(int capacity) : fifo_(capacity + 1), slots_(static_cast<size_t>(capacity + 1), nullptr) {}

    // Producer. False when full (nothing is pushed).
    bool push(T* item)
    {
        const auto scope = fifo_.write(1);
        if (scope.blockSize1 + scope.blockSize2 != 1) return false;
        slots_[static_cast<size_t>(scope.blockSize1 == 1 ? scope.startIndex1 : scope.startIndex2)] = item;
        return true;
    }

    // Consumer. nullptr when empty.
    T* pop()
    {
        const auto scope = fifo_.read(1);
        if (scope.blockSize1 + scope.blockSize2 != 1) return nullptr;
        return slots_[static_cast<size_t>(scope.blockSize1 == 1 ? scope.startIndex1 : scope.startIndex2)];
    }

    int size() const { return fifo_.getNumReady(); }

private:
    juce::AbstractFifo fifo_;
    std::vector<T*> slots_;
};

} // namespace namrig
