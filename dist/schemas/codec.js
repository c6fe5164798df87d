//# sourceMappingURL=codec.js.map
