#include "storage/result.hpp"
